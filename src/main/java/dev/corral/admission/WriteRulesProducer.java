package dev.corral.admission;

import dev.corral.store.WriteHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives the store the domain's write rules: the store declares the hook, admission fills it. */
@ApplicationScoped
public class WriteRulesProducer {

    @Produces
    @Singleton
    WriteHook writeRules() {
        return new WriteRules();
    }
}
