package io.fleetca.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The per-source limits on public endpoints (settings in {@link LimitsConfig}). Each refusal for a spent
 * limit is counted in {@code fleetca_limits_exceeded_total{limit=...}}.
 */
@ApplicationScoped
@Startup // a malformed fleetca.limits.exempt-sources stops the start, not the first request
public class SourceLimits {

    public static final String OCSP_SIGNATURES = "ocsp-signatures";
    public static final String CRL_DOWNLOADS = "crl-downloads";
    public static final String EST_REFUSALS = "est-refusals";

    @Inject
    LimitsConfig config;

    @Inject
    MeterRegistry meters;

    private SourceLimiter ocspSignatures;
    private SourceLimiter crlDownloads;
    private SourceLimiter estRefusals;
    private List<AddressRange> exempt;

    @PostConstruct
    void init() {
        exempt = config.exemptSources().orElse(List.of()).stream().filter(s -> !s.isBlank()).map(AddressRange::parse).toList();
        ocspSignatures = new SourceLimiter(OCSP_SIGNATURES, config.ocspSignaturesPerSecond(), Duration.ofSeconds(1),
                config.maxSources());
        crlDownloads = new SourceLimiter(CRL_DOWNLOADS, config.crlDownloadsPerMinute(), Duration.ofMinutes(1),
                config.maxSources());
        estRefusals = new SourceLimiter(EST_REFUSALS, config.estRefusalsPerMinute(), Duration.ofMinutes(1),
                config.maxSources());
    }

    /** One signature for a nonce (or multi-CertID) OCSP request from this source; false when its share is spent. */
    public boolean takeOcspSignature(String source) {
        return exempt(source) || counted(ocspSignatures, ocspSignatures.take(source)).isEmpty();
    }

    /** One complete CRL download; when spent, how long until the next. */
    public Optional<Duration> takeCrlDownload(String source) {
        return exempt(source) ? Optional.empty() : counted(crlDownloads, crlDownloads.take(source));
    }

    /** Whether this source's EST refusals are spent (then: how long until it may try again). */
    public Optional<Duration> estRefusalsSpent(String source) {
        return exempt(source) ? Optional.empty() : counted(estRefusals, estRefusals.spent(source));
    }

    /** One EST refusal of an unverified credential from this source. */
    public void estRefused(String source) {
        if (!exempt(source)) {
            estRefusals.take(source);
        }
    }

    private boolean exempt(String source) {
        for (AddressRange range : exempt) {
            if (range.contains(source)) {
                return true;
            }
        }
        return false;
    }

    private Optional<Duration> counted(SourceLimiter limiter, Optional<Duration> wait) {
        if (wait.isPresent()) {
            meters.counter("fleetca.limits.exceeded", "limit", limiter.name()).increment();
        }
        return wait;
    }
}
