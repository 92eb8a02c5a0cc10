package dev.cutover.azure.standin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ARM resource ids: {@code /subscriptions/{s}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{type}/{name}...]}.
 * Compared case-insensitively, as ARM does.
 */
public final class ArmIds {

    private ArmIds() {
    }

    /** The key the stand-in stores an id under: lower-case, no trailing slash. */
    public static String key(String id) {
        String s = id.toLowerCase(Locale.ROOT);
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>(Arrays.asList(path.split("/")));
        out.removeIf(String::isEmpty);
        return out;
    }

    /** The resource type of an id ({@code Microsoft.Web/sites/slots}; resource groups: {@code Microsoft.Resources/resourceGroups}). */
    public static String type(String id) {
        List<String> seg = segments(id);
        int p = indexOfIgnoreCase(seg, "providers");
        if (p < 0) {
            return seg.size() == 4 ? "Microsoft.Resources/resourceGroups" : seg.size() == 2 ? "Microsoft.Resources/subscriptions" : "";
        }
        StringBuilder type = new StringBuilder(seg.get(p + 1));
        for (int i = p + 2; i < seg.size(); i += 2) {
            type.append('/').append(seg.get(i));
        }
        return type.toString();
    }

    /** The resource's name as ARM gives it: nested names joined by {@code /} ({@code shop/staging}). */
    public static String name(String id) {
        List<String> seg = segments(id);
        int p = indexOfIgnoreCase(seg, "providers");
        if (p < 0) {
            return seg.get(seg.size() - 1);
        }
        StringBuilder name = new StringBuilder();
        for (int i = p + 3; i < seg.size(); i += 2) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(seg.get(i));
        }
        return name.toString();
    }

    /** The last segment (a slot's own name, {@code staging}). */
    public static String leaf(String id) {
        List<String> seg = segments(id);
        return seg.get(seg.size() - 1);
    }

    /** The enclosing resource's id (a slot's site, a site's resource group), or null at the top. */
    public static String parent(String id) {
        List<String> seg = segments(id);
        int p = indexOfIgnoreCase(seg, "providers");
        int keep;
        if (p < 0) {
            keep = seg.size() - 2;
        } else if (seg.size() - p <= 4) {
            keep = p;
        } else {
            keep = seg.size() - 2;
        }
        if (keep < 2) {
            return null;
        }
        return "/" + String.join("/", seg.subList(0, keep));
    }

    /** The subscription id of an ARM path, or null. */
    public static String subscription(String path) {
        List<String> seg = segments(path);
        return seg.size() >= 2 && seg.get(0).equalsIgnoreCase("subscriptions") ? seg.get(1) : null;
    }

    /** The resource group name of an ARM path, or null. */
    public static String resourceGroup(String path) {
        List<String> seg = segments(path);
        return seg.size() >= 4 && seg.get(2).equalsIgnoreCase("resourcegroups") ? seg.get(3) : null;
    }

    static int indexOfIgnoreCase(List<String> seg, String word) {
        for (int i = 0; i < seg.size(); i++) {
            if (seg.get(i).equalsIgnoreCase(word)) {
                return i;
            }
        }
        return -1;
    }
}
