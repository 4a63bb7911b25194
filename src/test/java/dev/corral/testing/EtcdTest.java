package dev.corral.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that starts real etcd processes ({@link EtcdCluster}; Debian's etcd-server, which
 * deploy/setup.sh installs). Like {@link EngineTest}: left out of {@code ./mvnw test}, run by {@code verify}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Tag(EtcdTest.TAG)
public @interface EtcdTest {

    String TAG = "etcd";
}
