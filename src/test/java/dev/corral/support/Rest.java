package dev.corral.support;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;

/** rest-assured set up for Corral's tests: YAML bodies are sent as text, and failed checks log the exchange. */
public final class Rest {

    private Rest() {
    }

    public static void configure() {
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", ContentType.TEXT));
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }
}
