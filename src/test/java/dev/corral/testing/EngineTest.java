package dev.corral.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs a real Docker engine (it converges containers, or starts Corral with
 * the reconcile loop on, whose readiness waits for the engine). {@code ./mvnw test} leaves these out,
 * so it runs anywhere; {@code ./mvnw verify} runs them once, in the integration-test phase (see pom.xml).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Tag(EngineTest.TAG)
public @interface EngineTest {

    String TAG = "engine";
}
