package policykg.neo4jserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * A Neo4j Community DBMS for policykg's tests: Bolt on a free loopback port, authentication on
 * with a generated password, data in a temporary folder (deleted at the end) unless --home is given.
 * When ready it prints one line:
 *   NEO4J_URI=bolt://127.0.0.1:PORT NEO4J_USERNAME=neo4j NEO4J_PASSWORD=... NEO4J_DATABASE=neo4j NEO4J_VERSION=5.26.x
 * and it stops cleanly on SIGTERM / SIGINT (a JVM shutdown hook shuts the DBMS down).
 *
 * Options: --home DIR (keep the data there; a database imported with `neo4j-admin database import`
 * into DIR is served), --port N, --password P.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, "--home", "--port", "--password");
        boolean temporary = !options.containsKey("--home");
        Path home = temporary ? Files.createTempDirectory("policykg-neo4j-") : Path.of(options.get("--home")).toAbsolutePath();
        int port = options.containsKey("--port") ? Integer.parseInt(options.get("--port")) : freePort();
        String password = options.getOrDefault("--password", generatedPassword());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
                .setConfig(GraphDatabaseSettings.tx_state_max_off_heap_memory, ByteUnit.mebiBytes(64))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            if (temporary) {
                deleteTree(home);
            }
            stopped.countDown();
        }, "policykg-neo4j-shutdown"));

        try {
            setPassword(dbms, password);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);   // the shutdown hook stops the DBMS
        }
        String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
        System.out.println("NEO4J_URI=bolt://127.0.0.1:" + port + " NEO4J_USERNAME=neo4j NEO4J_PASSWORD=" + password
                + " NEO4J_DATABASE=neo4j NEO4J_VERSION=" + version);
        System.out.flush();
        stopped.await();
    }

    /** The user neo4j's password; a restart on the same --home with the same --password keeps it. */
    static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    static String generatedPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary folder
        }
    }
}
