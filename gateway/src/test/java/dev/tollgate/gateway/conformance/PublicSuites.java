package dev.tollgate.gateway.conformance;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where public conformance suites are found when a build has them. Their files are not committed here (this
 * workplace keeps fetched third-party content out of the repository); CI and developers point at a checkout:
 * {@code -Dtollgate.wycheproof.dir=.../wycheproof/testvectors_v1} or {@code TOLLGATE_WYCHEPROOF_DIR}. Without one,
 * each harness runs the generated vectors of the same classes, so every class is still tested in every build.
 */
final class PublicSuites {

    private PublicSuites() {
    }

    static Path wycheproof() {
        String configured = System.getProperty("tollgate.wycheproof.dir", System.getenv("TOLLGATE_WYCHEPROOF_DIR"));
        if (configured == null || configured.isBlank()) {
            return null;
        }
        Path dir = Path.of(configured);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("tollgate.wycheproof.dir " + dir + " is not a directory");
        }
        return dir;
    }
}
