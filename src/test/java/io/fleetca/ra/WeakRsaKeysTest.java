package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeakRsaKeysTest {

    /** The primes of the published ROCA detector (crocs-muni/roca, roca/detect.py). */
    private static final int[] DETECTOR_PRIMES = {
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
        73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167
    };

    /**
     * The detector's published markers, one per prime above: bit r is set when a modulus may be r mod that prime.
     * Kept here as an independent oracle for the tables WeakRsaKeys computes itself.
     */
    private static final String[] DETECTOR_MARKERS = {
        "6", "30", "126", "1026", "5658", "107286", "199410", "8388606", "536870910", "2147483646", "67109890",
        "2199023255550", "8796093022206", "140737488355326", "5310023542746834", "576460752303423486",
        "1455791217086302986", "147573952589676412926", "20052041432995567486", "6041388139249378920330",
        "207530445072488465666", "9671406556917033397649406", "618970019642690137449562110",
        "79228162521181866724264247298", "2535301200456458802993406410750", "1760368345969468176824550810518",
        "50079290986288516948354744811034", "473022961816146413042658758988474",
        "10384593717069655257060992658440190", "144390480366845522447407333004847678774",
        "2722258935367507707706996859454145691646", "174224571863520493293247799005065324265470",
        "696898287454081973172991196020261297061886", "713623846352979940529142984724747568191373310",
        "1800793591454480341970779146165214289059119882", "126304807362733370595828809000324029340048915994",
        "11692013098647223345629478661730264157247460343806",
        "187072209578355573530071658587684226515959365500926"
    };

    @Test
    void freshlyGeneratedKeyIsNeitherRocaNorFermatWeak() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        BigInteger n = ((RSAPublicKey) generator.generateKeyPair().getPublic()).getModulus();

        assertFalse(WeakRsaKeys.isRocaVulnerable(n));
        assertFalse(WeakRsaKeys.isFermatFactorable(n, WeakRsaKeys.FERMAT_ROUNDS));
    }

    @Test
    void adjacentPrimesAreFermatFactorable() {
        BigInteger p = BigInteger.probablePrime(1024, new Random(1));
        BigInteger q = p.nextProbablePrime();

        assertTrue(WeakRsaKeys.isFermatFactorable(p.multiply(q), WeakRsaKeys.FERMAT_ROUNDS));
    }

    @Test
    void primesSharingTheirTopHalfAreFermatFactorableWithinTheRoundBudget() {
        BigInteger p = BigInteger.probablePrime(1024, new Random(2));
        // a - sqrt(N) is about (q - p)^2 / (8 p) = 2^1032 / (8 p), i.e. 32..64 steps for a 1024-bit p.
        BigInteger q = p.add(BigInteger.ONE.shiftLeft(516)).nextProbablePrime();
        BigInteger n = p.multiply(q);

        assertTrue(WeakRsaKeys.isFermatFactorable(n, WeakRsaKeys.FERMAT_ROUNDS));
        assertFalse(WeakRsaKeys.isFermatFactorable(n, 16));
        assertFalse(WeakRsaKeys.isFermatFactorable(n, 0));
    }

    @Test
    void primesFartherApartAreNotFermatFactorable() {
        BigInteger p = BigInteger.probablePrime(1024, new Random(3));
        // (2^530)^2 / (8 p) is about 2^33 steps, far beyond the budget.
        BigInteger q = p.add(BigInteger.ONE.shiftLeft(530)).nextProbablePrime();

        assertFalse(WeakRsaKeys.isFermatFactorable(p.multiply(q), WeakRsaKeys.FERMAT_ROUNDS));
    }

    @Test
    void perfectSquareIsFermatFactorable() {
        BigInteger p = BigInteger.probablePrime(512, new Random(4));

        assertTrue(WeakRsaKeys.isFermatFactorable(p.multiply(p), 1));
    }

    @Test
    void rsaLibStyleKeysAreFlaggedAsRoca() {
        Random random = new Random(5);
        // Nemec et al., CCS 2017: RSALib uses 39 primes (up to 167) for 512..960-bit keys, 71 (up to 353) for
        // 992..1952-bit keys.
        BigInteger n512 = rocaPrime(256, 39, random).multiply(rocaPrime(256, 39, random));
        BigInteger n1024 = rocaPrime(512, 71, random).multiply(rocaPrime(512, 71, random));

        assertTrue(WeakRsaKeys.isRocaVulnerable(n512));
        assertTrue(WeakRsaKeys.isRocaVulnerable(n1024));
        assertFalse(WeakRsaKeys.isFermatFactorable(n1024, WeakRsaKeys.FERMAT_ROUNDS));
    }

    @Test
    void residueOutsideTheSubgroupForOnePrimeIsNotFlagged() {
        BigInteger n = rocaPrime(512, 71, new Random(6)).multiply(rocaPrime(512, 71, new Random(7)));
        assertTrue(WeakRsaKeys.isRocaVulnerable(n));

        // 65537 = -1 mod 11, so it generates only {1, 10}; move N to every other residue mod 11 and keep the rest.
        for (int r = 0; r < 11; r++) {
            BigInteger moved = withResidue(n, 11, r);
            assertEquals(r == 1 || r == 10, WeakRsaKeys.isRocaVulnerable(moved), "residue " + r + " mod 11");
        }
    }

    @Test
    void subgroupTablesMatchThePublishedDetectorMarkers() {
        BigInteger n = rocaPrime(256, 39, new Random(8)).multiply(rocaPrime(256, 39, new Random(9)));
        for (int i = 0; i < DETECTOR_PRIMES.length; i++) {
            int p = DETECTOR_PRIMES[i];
            BigInteger marker = new BigInteger(DETECTOR_MARKERS[i]);
            for (int r = 0; r < p; r++) {
                assertEquals(marker.testBit(r), WeakRsaKeys.isRocaVulnerable(withResidue(n, p, r)),
                        "residue " + r + " mod " + p);
            }
        }
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> WeakRsaKeys.isRocaVulnerable(BigInteger.ZERO));
        assertThrows(IllegalArgumentException.class, () -> WeakRsaKeys.isRocaVulnerable(BigInteger.TEN.negate()));
        assertThrows(IllegalArgumentException.class, () -> WeakRsaKeys.isFermatFactorable(BigInteger.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> WeakRsaKeys.isFermatFactorable(BigInteger.TEN, -1));
    }

    /**
     * A prime as Infineon RSALib's "Fast Prime" made them (Nemec et al., CCS 2017): p = k * M + (65537^a mod M),
     * M the product of the first {@code primeCount} primes, k small and random, a random.
     */
    private static BigInteger rocaPrime(int bits, int primeCount, Random random) {
        BigInteger m = BigInteger.ONE;
        BigInteger prime = BigInteger.TWO;
        for (int i = 0; i < primeCount; i++) {
            m = m.multiply(prime);
            prime = prime.nextProbablePrime();
        }
        BigInteger generator = BigInteger.valueOf(65537);
        int kBits = bits - m.bitLength();
        while (true) {
            BigInteger k = new BigInteger(kBits, random);
            BigInteger a = new BigInteger(64, random);
            BigInteger p = k.multiply(m).add(generator.modPow(a, m));
            if (p.bitLength() == bits && p.isProbablePrime(40)) {
                return p;
            }
        }
    }

    /** The number congruent to n modulo every detector prime except {@code prime}, where it is {@code residue}. */
    private static BigInteger withResidue(BigInteger n, int prime, int residue) {
        BigInteger others = BigInteger.ONE;
        for (int p : DETECTOR_PRIMES) {
            if (p != prime) {
                others = others.multiply(BigInteger.valueOf(p));
            }
        }
        BigInteger bigPrime = BigInteger.valueOf(prime);
        // n + t * others keeps every other residue; pick t so the sum is residue mod prime.
        BigInteger t = BigInteger.valueOf(residue).subtract(n)
                .multiply(others.modInverse(bigPrime))
                .mod(bigPrime);
        return n.add(t.multiply(others));
    }
}
