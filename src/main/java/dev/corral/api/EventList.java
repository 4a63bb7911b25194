package dev.corral.api;

import dev.corral.events.Event;

import java.util.List;

/** A list of events, least recently seen first: {@code {"items": [...]}}. */
public record EventList(List<Event> items) {
}
