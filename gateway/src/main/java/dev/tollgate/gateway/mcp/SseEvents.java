package dev.tollgate.gateway.mcp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code text/event-stream} into whole events (HTML Living Standard 9.2.6: an event ends at a blank line;
 * lines end with CRLF, LF or CR), as bytes, so an event can be inspected and passed on unchanged. One instance per
 * stream. An event longer than the bound is an error: it cannot be inspected.
 */
final class SseEvents {

    private final int maxEventBytes;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** The previous byte of the stream, to see CRLF and blank lines across chunk boundaries. */
    private int last = -1;
    private boolean lineEmpty = true;
    /** The last event ended with a CR; it is complete once the next byte shows whether an LF follows. */
    private boolean endedByCr;

    SseEvents(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The events this chunk completes, each with its terminating blank line. */
    List<byte[]> feed(byte[] chunk) {
        List<byte[]> events = new ArrayList<>(1);
        for (byte b : chunk) {
            if (endedByCr) {
                // A CR ended the event; an LF right after it belongs to the same line ending.
                endedByCr = false;
                if (b == '\n') {
                    pending.write(b);
                    events.add(take());
                    last = b;
                    continue;
                }
                events.add(take());
            }
            pending.write(b);
            if (b == '\n' && last == '\r') {
                // The LF of a CRLF: the CR already ended the line.
                last = b;
                continue;
            }
            if (b == '\n' || b == '\r') {
                if (lineEmpty) {
                    if (b == '\r') {
                        endedByCr = true;
                    } else {
                        events.add(take());
                    }
                }
                lineEmpty = true;
            } else {
                lineEmpty = false;
            }
            last = b;
            if (pending.size() > maxEventBytes) {
                throw new IllegalStateException("an event of the stream is larger than " + maxEventBytes + " bytes");
            }
        }
        return events;
    }

    private byte[] take() {
        byte[] event = pending.toByteArray();
        pending.reset();
        return event;
    }

    /** What remains when the stream ends (an event without its blank line). */
    byte[] rest() {
        return pending.toByteArray();
    }

    /** The event's data: its {@code data:} lines joined with LF, or {@code null} when it has none. */
    static String data(byte[] event) {
        String text = new String(event, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder data = null;
        for (String line : text.split("\r\n|\r|\n")) {
            if (line.startsWith("data")) {
                String value = line.length() == 4 ? "" : line.charAt(4) == ':' ? line.substring(5) : null;
                if (value == null) {
                    continue;
                }
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }

    /** The event with its data replaced, other fields ({@code id:}, {@code event:}, {@code retry:}) kept. */
    static byte[] withData(byte[] event, String data) {
        String text = new String(event, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(data.length() + 64);
        for (String line : text.split("\r\n|\r|\n")) {
            if (!line.isEmpty() && !line.startsWith("data:") && !line.equals("data")) {
                out.append(line).append('\n');
            }
        }
        for (String line : data.split("\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
