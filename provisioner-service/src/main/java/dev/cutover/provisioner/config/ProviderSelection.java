package dev.cutover.provisioner.config;

import dev.cutover.events.Placement;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.azure.LazyAzureClients;
import dev.cutover.provisioner.azure.appservice.AppServiceTarget;
import dev.cutover.provisioner.azure.scaleset.ScaleSetTargets;
import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.TargetProvider;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import dev.cutover.provisioner.traffic.TrafficRouter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one place where a command's placement ({@code target.provider}, {@code target.kind}) picks the
 * TargetProvider/TrafficRouter pair: {@code local/process} (or no placement: older senders) the local processes
 * behind deploy/router, {@code azure/app-service} App Service slots, {@code azure/scale-set} scale-set instances. Azure's clients are made on first use, so a
 * provisioner that only ever sees local placements needs no Azure configuration.
 */
public class ProviderSelection {

    /** What runs a target's slots and what routes its traffic. */
    public record Providers(TargetProvider provider, TrafficRouter router) {
    }

    /** The provider pair of a placement; and whether a recorded instance (of any provider) still runs. */
    public interface Lookup {

        /**
         * @throws ProvisioningException (configuration) for a provider / kind nothing implements
         */
        Providers of(Placement placement) throws ProvisioningException;

        boolean alive(SlotInstance instance);
    }

    @Produces
    @Singleton
    Lookup providers(ProvisionerConfig config, LazyAzureClients azure) {
        if (!Placement.LOCAL.equals(config.provider())) {
            throw new IllegalStateException("unknown cutover.provisioner.provider '" + config.provider()
                    + "' (known: local; Azure is chosen per command by its placement)");
        }
        return new Selection(config, new Providers(new LocalTargetProvider(config.local()),
                new LocalTrafficRouter(config.local())), azure);
    }

    /** Every placement gets {@code pair} (a service of one provider, in tests). */
    public static Lookup only(Providers pair) {
        return new Lookup() {
            @Override
            public Providers of(Placement placement) {
                return pair;
            }

            @Override
            public boolean alive(SlotInstance instance) {
                return pair.provider().alive(instance);
            }
        };
    }

    /** The selection by placement. */
    public static final class Selection implements Lookup {

        private final ProvisionerConfig config;
        private final Providers local;
        private final Supplier<AzureClients> azure;

        public Selection(ProvisionerConfig config, Providers local, Supplier<AzureClients> azure) {
            this.config = config;
            this.local = Objects.requireNonNull(local);
            this.azure = azure;
        }

        @Override
        public Providers of(Placement placement) throws ProvisioningException {
            if (placement == null) {
                return local;
            }
            String provider = placement.provider() == null ? Placement.LOCAL : placement.provider();
            String kind = placement.kind();
            if (provider.equals(Placement.LOCAL) && (kind == null || kind.equals(Placement.PROCESS))) {
                return local;
            }
            if (provider.equals(Placement.AZURE) && kind != null) {
                switch (kind) {
                    case Placement.APP_SERVICE -> {
                        AppServiceTarget target = AppServiceTarget.of(azure.get(), placement,
                                config.azure().appServicePlanSku());
                        return new Providers(target, target);
                    }
                    case Placement.SCALE_SET -> {
                        return ScaleSetTargets.of(azure.get(), placement);
                    }
                    default -> {
                    }
                }
            }
            throw ProvisioningException.configuration("no provider for target.provider '" + provider
                    + "' with target.kind '" + kind + "' (known: local/process, azure/app-service, azure/scale-set)");
        }

        @Override
        public boolean alive(SlotInstance instance) {
            if (AppServiceTarget.owns(instance)) {
                return true; // App Service keeps its slots; a command finds out their state from ARM
            }
            if (ScaleSetTargets.owns(instance)) {
                return ScaleSetTargets.alive(azure.get(), instance);
            }
            return local.provider().alive(instance);
        }
    }
}
