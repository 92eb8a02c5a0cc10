package dev.cutover.orchestrator;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The orchestrator's layout, kept by rules: the engine knows the {@code DeploymentStrategy} interface and never an
 * implementation; the engine, the strategies and the model know nothing of REST, Kafka, storage or Quarkus; each
 * strategy lives in its own package (canary reuses blue-green's steps, nothing else crosses).
 */
@AnalyzeClasses(packages = "dev.cutover.orchestrator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ENGINE = "dev.cutover.orchestrator.engine..";
    private static final String BLUE_GREEN = "dev.cutover.orchestrator.strategy.bluegreen..";
    private static final String CANARY = "dev.cutover.orchestrator.strategy.canary..";
    private static final String ROLLING = "dev.cutover.orchestrator.strategy.rolling..";
    private static final String[] OUTSIDE = {"dev.cutover.orchestrator.api..", "dev.cutover.orchestrator.messaging..",
            "dev.cutover.orchestrator.store..", "dev.cutover.orchestrator.service..",
            "dev.cutover.orchestrator.metrics..", "dev.cutover.orchestrator.config..", "io.quarkus..", "jakarta..",
            "org.apache.kafka..", "io.smallrye.."};

    @ArchTest
    static final ArchRule engineKnowsNoStrategyImplementation = noClasses().that().resideInAPackage(ENGINE)
            .should().dependOnClassesThat().resideInAnyPackage(BLUE_GREEN, CANARY, ROLLING)
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.cutover.orchestrator.strategy.Strategies");

    @ArchTest
    static final ArchRule engineStrategiesAndModelArePure = noClasses().that()
            .resideInAnyPackage(ENGINE, "dev.cutover.orchestrator.strategy..", "dev.cutover.orchestrator.model..",
                    "dev.cutover.orchestrator.settings..")
            .should().dependOnClassesThat().resideInAnyPackage(OUTSIDE);

    @ArchTest
    static final ArchRule modelDependsOnNoBehaviour = noClasses().that()
            .resideInAnyPackage("dev.cutover.orchestrator.model..", "dev.cutover.orchestrator.settings..")
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE, "dev.cutover.orchestrator.strategy..");

    @ArchTest
    static final ArchRule apiGoesThroughTheService = noClasses().that().resideInAPackage("dev.cutover.orchestrator.api..")
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE, "dev.cutover.orchestrator.strategy..");

    @ArchTest
    static final ArchRule blueGreenStandsAlone = noClasses().that().resideInAPackage(BLUE_GREEN)
            .should().dependOnClassesThat().resideInAnyPackage(CANARY, ROLLING);

    @ArchTest
    static final ArchRule rollingStandsAlone = noClasses().that().resideInAPackage(ROLLING)
            .should().dependOnClassesThat().resideInAnyPackage(BLUE_GREEN, CANARY);

    @ArchTest
    static final ArchRule canaryReusesOnlyBlueGreen = noClasses().that().resideInAPackage(CANARY)
            .should().dependOnClassesThat().resideInAPackage(ROLLING);
}
