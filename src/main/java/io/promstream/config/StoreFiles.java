package io.promstream.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/** Key and trust store files as the start checks open them: whether they load and hold what they are for. */
final class StoreFiles {
    private StoreFiles() {}

    /** Whether the store at {@code path} loads as {@code type} with {@code password} and holds a private key. */
    static boolean holdsKey(String path, String type, String password) {
        KeyStore store = load(path, type, password);
        if (store == null) {
            return false;
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether the store at {@code path} loads as {@code type} with {@code password} and holds a certificate. */
    static boolean holdsCertificate(String path, String type, String password) {
        KeyStore store = load(path, type, password);
        try {
            return store != null && store.size() > 0;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore load(String path, String type, String password) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null || password.isEmpty() ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null; // the start check's message names the keys to look at
        }
    }
}
