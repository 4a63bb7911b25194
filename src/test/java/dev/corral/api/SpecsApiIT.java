package dev.corral.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same API tests against the packaged application ({@code java -jar target/quarkus-app/quarkus-run.jar}). */
@QuarkusIntegrationTest
class SpecsApiIT extends SpecsApiTest {
}
