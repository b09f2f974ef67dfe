package policykg.neo4jserver;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** `--name value` pairs, only the names given. */
final class Options {
    private Options() {}

    static Map<String, String> parse(String[] args, String... names) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!List.of(names).contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [" + String.join(" V] [", names) + " V]; got " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
