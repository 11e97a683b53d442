package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.fleetca.registry.CertificateState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

/**
 * OCSP responses produced ahead of time (RFC 6960 §2.5) for the certificates of one CA, signed with the
 * CA's own key (§4.2.2.2: the CA that issued the certificate may sign), so that they stay verifiable for
 * their whole life without a delegated responder certificate, and can be served while the CA's key is
 * offline. One response per certificate and CertID form: SHA-1 and SHA-256, each with and without NULL
 * parameters (clients differ; a response must repeat the request's CertID exactly, §4.2.2.3).
 */
@ApplicationScoped
public class PreproducedOcspResponses {

    private static final List<AlgorithmIdentifier> CERT_ID_HASHES = List.of(
            new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE),
            new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1),
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE),
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));

    /** Longest validity of a pre-produced response (the CA/Browser Forum's limit for CA certificates). */
    public static final Duration MAX_VALIDITY = Duration.ofDays(366);

    @Inject
    ResponderCertificates signers;

    /** A certificate to answer for: its serial and its state in the CA's ledger. */
    public record Target(BigInteger serial, Optional<CertificateState> state) {}

    /** One signed response: the exact CertID it answers, the ledger state it was made for, the DER OCSPResponse. */
    public record Produced(BigInteger serial, byte[] certIdDer, String state, byte[] der) {}

    public List<Produced> produce(LoadedCa ca, List<Target> targets, Instant thisUpdate, Instant nextUpdate) {
        try {
            DigestCalculator sha1 = new BcDigestCalculatorProvider().get(RespID.HASH_SHA1);
            RespID byKey = new RespID(ca.certificate().getSubjectPublicKeyInfo(), sha1);
            List<Produced> out = new ArrayList<>();
            for (Target t : targets) {
                for (AlgorithmIdentifier hash : CERT_ID_HASHES) {
                    CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(hash), ca.certificate(), t.serial());
                    BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(byKey);
                    builder.addResponse(id, OcspStatuses.of(t.state()), Date.from(thisUpdate), Date.from(nextUpdate), null);
                    BasicOCSPResp basic = builder.build(signers.signer(ca.record().keyAlias(), ca), null, Date.from(thisUpdate));
                    byte[] der = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
                    out.add(new Produced(t.serial(), id.toASN1Primitive().getEncoded(ASN1Encoding.DER),
                            t.state().map(CertificateState::fingerprint).orElse(CertificateState.NONE), der));
                }
            }
            return out;
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE, "the key store is unavailable; retry later",
                    Duration.ofSeconds(5));
        } catch (OCSPException e) {
            if (e.getCause() instanceof FleetCaException f) {
                throw f;
            }
            throw new IllegalStateException("signing a pre-produced OCSP response failed", e);
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("building a pre-produced OCSP response failed", e);
        }
    }
}
