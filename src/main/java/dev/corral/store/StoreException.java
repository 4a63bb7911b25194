package dev.corral.store;

/**
 * The store cannot be used: the data directory is corrupt, locked by another process, or an
 * I/O operation failed. At start-up this stops Corral rather than letting it run with part of
 * its specs (which would make it garbage-collect what the missing specs own).
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
