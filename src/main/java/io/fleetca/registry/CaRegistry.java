package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Certificate authorities known to FleetCA. */
@ApplicationScoped
public class CaRegistry {

    @Inject
    CaRepository cas;

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(CaRecord ca) {
        CaEntity e = new CaEntity();
        e.id = ca.id();
        e.parentId = ca.parentId();
        e.subject = ca.subject();
        e.keyAlias = ca.keyAlias();
        e.keyAlgorithm = ca.keyAlgorithm();
        e.notBefore = ca.notBefore();
        e.notAfter = ca.notAfter();
        e.certificateDer = ca.certificateDer();
        e.sha256 = ca.sha256();
        e.createdAt = ca.createdAt();
        cas.persist(e);
    }

    /** A CA certified again with the same key: its current certificate and validity change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void replaceCertificate(CaRecord ca) {
        CaEntity e = cas.findById(ca.id(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        e.notBefore = ca.notBefore();
        e.notAfter = ca.notAfter();
        e.certificateDer = ca.certificateDer();
        e.sha256 = ca.sha256();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<CaRecord> find(String id) {
        return cas.findByIdOptional(id).map(CaEntity::toRecord);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CaRecord> list() {
        return cas.list("order by createdAt, id").stream().map(CaEntity::toRecord).toList();
    }
}
