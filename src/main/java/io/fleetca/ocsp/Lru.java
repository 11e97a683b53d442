package io.fleetca.ocsp;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries that drops the least recently used one when full: anyone can ask
 * about random serials, so memory stays bounded without emptying what the fleet keeps asking about.
 */
final class Lru<K, V> {

    private final LinkedHashMap<K, V> map;

    Lru(int capacity) {
        map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    synchronized void removeAll(Collection<K> keys) {
        keys.forEach(map::remove);
    }

    synchronized void clear() {
        map.clear();
    }

    synchronized int size() {
        return map.size();
    }
}
