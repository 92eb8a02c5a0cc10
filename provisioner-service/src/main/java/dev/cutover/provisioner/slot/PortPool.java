package dev.cutover.provisioner.slot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ports for processes that bind them a moment later, taken from a range outside the kernel's ephemeral range
 * (Linux: 32768-60999). A port from {@code new ServerSocket(0)} is in that range, so between our choice and the
 * child's bind any outgoing connection on the machine (a health probe, a Kafka client) can take it, and the
 * child dies with "Address already in use". The cursor walks the range from a random start, so a port handed
 * out is not offered again until the whole range has been walked.
 */
public final class PortPool {

    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,5})\\s*-\\s*(\\d{1,5})\\s*");

    private final int first;
    private final int last;
    private final AtomicInteger cursor;

    public PortPool(int first, int last) {
        if (first < 1024 || last > 65535 || last - first < 16) {
            throw new IllegalArgumentException("port range must lie in 1024-65535 and hold at least 16 ports, was "
                    + first + "-" + last);
        }
        this.first = first;
        this.last = last;
        this.cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(last - first + 1));
    }

    /** {@code "20000-29999"}. */
    public static PortPool parse(String range) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
            throw new IllegalArgumentException("port range must look like 20000-29999, was '" + range + "'");
        }
        return new PortPool(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** A free port. */
    public int next() throws ProvisioningException {
        return next(1);
    }

    /** The first of {@code width} consecutive free ports (a router takes its port and the admin port after it). */
    public int next(int width) throws ProvisioningException {
        return next(width, p -> false);
    }

    /**
     * The first of {@code width} consecutive free ports none of which {@code reserved} says is spoken for (a port
     * another target keeps while its router is down is not free, though nothing listens on it).
     */
    public int next(int width, java.util.function.IntPredicate reserved) throws ProvisioningException {
        int size = last - first + 1;
        for (int tried = 0; tried < size; tried++) {
            int port = first + Math.floorMod(cursor.getAndAdd(width), size);
            if (port + width - 1 <= last && java.util.stream.IntStream.range(port, port + width).noneMatch(reserved)
                    && free(port, width)) {
                return port;
            }
        }
        throw new ProvisioningException("no " + width + " free consecutive port(s) in " + first + "-" + last);
    }

    private static boolean free(int port, int width) {
        for (int p = port; p < port + width; p++) {
            try (ServerSocket probe = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
