package io.fleetca.est;

import java.util.Map;

/** What an EST operation answers: status, headers and body (RFC 7030 §4, RFC 8951). */
record EstReply(int status, Map<String, String> headers, String body) {

    static final String PKCS7 = "application/pkcs7-mime";
    static final String PKCS7_CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
    static final String CSR_ATTRS = "application/csrattrs";

    /** 200 with a base64 body. RFC 8951 §3.1: bodies are base64; the header is sent for older clients. */
    static EstReply base64(String contentType, String body) {
        return new EstReply(200, Map.of("Content-Type", contentType, "Content-Transfer-Encoding", "base64"), body);
    }

    /** An error: a plain-text reason (RFC 7030 §4.2.3), plus the headers the status calls for. */
    static EstReply error(int status, String reason, Map<String, String> headers) {
        java.util.Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "text/plain; charset=utf-8");
        return new EstReply(status, Map.copyOf(all), reason + "\n");
    }
}
