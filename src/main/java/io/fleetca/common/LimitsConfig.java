package io.fleetca.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Limits per source address on what the public can make FleetCA do ({@link SourceLimits}), and on guessing
 * enrollment codes per device. A value of 0 turns a per-source limit off.
 */
@ConfigMapping(prefix = "fleetca.limits")
public interface LimitsConfig {

    /**
     * OCSP responses signed for one request alone (a nonce, or several CertIDs) per second per source, within
     * the instance-wide fleetca.ocsp.nonce-signatures-per-second. Past it that source's nonce requests get the
     * pre-produced response without the nonce (RFC 8954 §2.1), so one address cannot spend the whole budget.
     */
    @WithDefault("20")
    int ocspSignaturesPerSecond();

    /** Full CRL downloads (200 with the body) per minute per source; 304 answers to conditional requests are free. */
    @WithDefault("30")
    int crlDownloadsPerMinute();

    /**
     * EST requests refused per minute per source for a credential that did not verify (a wrong enrollment code,
     * an unknown client certificate, a forged token). Once spent, that source's EST requests are answered 429
     * with Retry-After, without looking at their credential, until the budget refills.
     */
    @WithDefault("10")
    int estRefusalsPerMinute();

    /**
     * Wrong enrollment codes for one registered device within fleetca.limits.enrollment-code-lockout. The
     * attempt that reaches it locks the device's codes (every attempt answered 429, the right code included)
     * until the window ends or an admin creates a new code; the lockout is an audit event. Counted in the
     * database, so it holds across instances. 0: no limit.
     */
    @WithDefault("5")
    int enrollmentCodeFailures();

    /** The window of fleetca.limits.enrollment-code-failures, from the first failure in it. */
    @WithDefault("PT1H")
    Duration enrollmentCodeLockout();

    /**
     * Addresses or CIDR blocks the per-source limits do not apply to (the brokers' network, a factory's NAT,
     * monitoring), comma-separated. The enrollment-code limit per device applies to everyone.
     */
    Optional<List<String>> exemptSources();

    /** Source addresses remembered per limit; the least recently seen ones are forgotten first. */
    @WithDefault("100000")
    int maxSources();
}
