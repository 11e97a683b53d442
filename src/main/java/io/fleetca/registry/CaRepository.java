package io.fleetca.registry;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
class CaRepository implements PanacheRepositoryBase<CaEntity, String> {}
