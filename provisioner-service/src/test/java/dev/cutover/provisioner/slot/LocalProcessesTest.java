package dev.cutover.provisioner.slot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalProcessesTest {

    @ParameterizedTest(name = "{0} withheld from children: {1}")
    @CsvSource({
            "CUTOVER_SECRET_DB_PASSWORD, true",
            "CUTOVER_SECRET_, true",
            "AZURE_CLIENT_SECRET, true",
            "AZURE_CLIENT_CERTIFICATE_PATH, true",
            "AZURE_CLIENT_CERTIFICATE_PASSWORD, true",
            "AZURE_USERNAME, true",
            "AZURE_PASSWORD, true",
            "AZURE_FEDERATED_TOKEN_FILE, true",
            "AZURE_CLIENT_ID, false", // an identifier, not a credential
            "AZURE_TENANT_ID, false",
            "CUTOVER_SECRETS, false",
            "PATH, false",
            "JAVA_HOME, false",
            "HOME, false"})
    void theProvisionersCredentialsAreNotInherited(String variable, boolean withheld) {
        assertEquals(withheld, LocalProcesses.provisionerCredential(variable));
    }
}
