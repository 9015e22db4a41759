package dev.tollgate.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A recurring window in a named time zone — business hours, a deployment window: on these days, from this time
 * (inclusive) to that time (exclusive). A rule with a schedule applies only inside it.
 */
public record Schedule(ZoneId zone, Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    public Schedule {
        days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("schedule 'from' must be before 'to' (windows do not cross midnight;"
                    + " write two rules)");
        }
    }

    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(zone);
        LocalTime time = t.toLocalTime();
        return days.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }

    /** The next instant after {@code instant} at which {@link #contains} may change (a window opens or closes). */
    public Instant nextChange(Instant instant) {
        ZonedDateTime t = instant.atZone(zone);
        for (int day = 0; day <= 7; day++) {
            ZonedDateTime date = t.toLocalDate().plusDays(day).atStartOfDay(zone);
            if (!days.contains(date.getDayOfWeek())) {
                continue;
            }
            for (LocalTime boundary : new LocalTime[] {from, to}) {
                ZonedDateTime candidate = date.toLocalDate().atTime(boundary).atZone(zone);
                if (candidate.toInstant().isAfter(instant)) {
                    return candidate.toInstant();
                }
            }
        }
        return instant.plusSeconds(7 * 24 * 3600);
    }
}
