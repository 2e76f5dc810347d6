// VerifyLog: an independent verifier for hazledger's public ledger HTTP contract.
//
//   java tests/interop/VerifyLog.java <baseUrl>      verify a running server (e.g. http://127.0.0.1:8080)
//   java tests/interop/VerifyLog.java --selftest     check this file's own Merkle / note code
//
// JDK 17 only, one file, no dependencies. Written from the specifications, not from the server:
//   RFC 9162 §2.1 (MTH, PATH, PROOF, and the verifiers of §2.1.3.2 and §2.1.4.2),
//   C2SP signed-note, tlog-checkpoint and tlog-proof@v1.
// Exit status: 0 = the server agrees with everything checked, 1 = at least one disagreement
// (each printed as "FAIL <what> <details>"), 2 = usage or connection error.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

public class VerifyLog {
    static final String USAGE =
            "usage: java tests/interop/VerifyLog.java <baseUrl>     (e.g. http://127.0.0.1:8080)\n"
          + "       java tests/interop/VerifyLog.java --selftest";

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--selftest")) {
            System.exit(SelfTest.run(System.out));
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String base = args[0];
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        try {
            URI u = new URI(base);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new URISyntaxException(base, "expected http(s)://host[:port][/prefix]");
            }
        } catch (URISyntaxException e) {
            System.err.println("ERROR bad base URL: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        try {
            int failures = new Verifier(base, System.out).run();
            System.exit(failures == 0 ? 0 : 1);
        } catch (ConnectionError e) {
            System.out.flush();
            System.err.println("ERROR cannot talk to " + base + ": " + e.getMessage());
            System.exit(2);
        }
    }

    // =====================================================================================
    // Hashing, encodings, small helpers
    // =====================================================================================

    static final class H {
        private static final ThreadLocal<MessageDigest> MD = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
        static final byte[] EMPTY_ROOT = sha256();   // MTH({}) = SHA-256() = e3b0c442...

        static byte[] sha256(byte[]... parts) {
            MessageDigest md = MD.get();
            md.reset();
            for (byte[] p : parts) md.update(p);
            return md.digest();
        }

        /** RFC 9162: MTH({d}) = HASH(0x00 || d). */
        static byte[] leafHash(byte[] d) {
            MessageDigest md = MD.get();
            md.reset();
            md.update((byte) 0x00);
            md.update(d);
            return md.digest();
        }

        /** RFC 9162: HASH(0x01 || left || right). */
        static byte[] nodeHash(byte[] l, byte[] r) {
            MessageDigest md = MD.get();
            md.reset();
            md.update((byte) 0x01);
            md.update(l);
            md.update(r);
            return md.digest();
        }

        static String b64(byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }

        /** Strict standard base64 (RFC 4648 §4, with padding): the decoding must re-encode to the same text. */
        static byte[] unb64(String s) {
            try {
                byte[] b = Base64.getDecoder().decode(s);
                return b64(b).equals(s) ? b : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** A 32-byte hash in strict base64, or null. */
        static byte[] hash32(String s) {
            byte[] b = unb64(s);
            return b != null && b.length == 32 ? b : null;
        }

        static String hex(byte[] b) {
            StringBuilder sb = new StringBuilder(b.length * 2);
            for (byte x : b) sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
            return sb.toString();
        }

        static byte[] unhex(String s) {
            byte[] b = new byte[s.length() / 2];
            for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
            return b;
        }

        /** Largest power of two strictly smaller than n (n > 1): the RFC's k. */
        static long splitK(long n) {
            if (n < 2) throw new IllegalArgumentException("splitK(" + n + ")");
            return Long.highestOneBit(n - 1);
        }

        static boolean isPow2(long n) {
            return n > 0 && (n & (n - 1)) == 0;
        }

        private static final Pattern DEC = Pattern.compile("0|[1-9][0-9]{0,18}");

        /** ASCII decimal without leading zeros, fitting a non-negative long; -1 otherwise. */
        static long parseDec(String s) {
            if (s == null || !DEC.matcher(s).matches()) return -1;
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        static String utf8Strict(byte[] b) throws Bad {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new Bad("not valid UTF-8");
            }
        }

        static byte[] concat(byte[]... parts) {
            int n = 0;
            for (byte[] p : parts) n += p.length;
            byte[] out = new byte[n];
            int o = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, o, p.length);
                o += p.length;
            }
            return out;
        }

        static String abbrev(String s) {
            String t = s.replace("\n", "\\n").replace("\r", "\\r");
            return t.length() > 120 ? t.substring(0, 117) + "..." : t;
        }

        static String abbrev(byte[] b) {
            return abbrev(new String(b, StandardCharsets.UTF_8));
        }

        static String pathStr(List<byte[]> p) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < p.size(); i++) sb.append(i == 0 ? "" : ",").append(b64(p.get(i)));
            return sb.append("]").toString();
        }

        static boolean samePath(List<byte[]> a, List<byte[]> b) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
            return true;
        }

        /** Describe how two paths differ (first differing position). */
        static String pathDiff(List<byte[]> server, List<byte[]> mine) {
            if (server.size() != mine.size()) {
                return "length " + server.size() + " != expected " + mine.size() + "; server=" + pathStr(server)
                        + " expected=" + pathStr(mine);
            }
            for (int i = 0; i < server.size(); i++) {
                if (!Arrays.equals(server.get(i), mine.get(i))) {
                    return "element " + i + " differs: server=" + b64(server.get(i)) + " expected=" + b64(mine.get(i));
                }
            }
            return "identical";
        }

        /** count values spread evenly over [lo, hi] (inclusive), always including lo and hi; all of them if few. */
        static List<Integer> spread(int count, int lo, int hi) {
            TreeSet<Integer> s = new TreeSet<>();
            if (hi < lo) return new ArrayList<>(s);
            if ((long) hi - lo + 1 <= count) {
                for (int i = lo; i <= hi; i++) s.add(i);
            } else {
                for (int k = 0; k < count; k++) s.add((int) (lo + ((long) (hi - lo) * k) / (count - 1)));
            }
            return new ArrayList<>(s);
        }
    }

    /** A parse or verification error with a message for the FAIL line. */
    static final class Bad extends Exception {
        Bad(String m) {
            super(m);
        }
    }

    static final class ConnectionError extends RuntimeException {
        ConnectionError(String m) {
            super(m);
        }
    }

    // =====================================================================================
    // RFC 9162 Merkle tree: MTH, PATH, PROOF, verifiers, compact-range roots
    // =====================================================================================

    /**
     * Leaf hashes plus every perfect, aligned subtree hash ("tile" nodes). MTH of any range that the
     * RFC recursions need is then O(log n): a perfect aligned range is a lookup, any other range is
     * split at the RFC's k and recomputed.
     */
    static final class Tree {
        final byte[][][] levels;   // levels[l][i] = MTH(D[i*2^l : (i+1)*2^l])
        final long size;

        Tree(byte[][] leafHashes) {
            List<byte[][]> lv = new ArrayList<>();
            lv.add(leafHashes);
            byte[][] cur = leafHashes;
            while (cur.length > 1) {
                byte[][] next = new byte[cur.length / 2][];
                for (int i = 0; i < next.length; i++) next[i] = H.nodeHash(cur[2 * i], cur[2 * i + 1]);
                lv.add(next);
                cur = next;
            }
            levels = lv.toArray(new byte[0][][]);
            size = leafHashes.length;
        }

        /** MTH(D[a:b]). */
        byte[] mth(long a, long b) {
            if (a < 0 || b > size || a > b) throw new IllegalArgumentException("mth(" + a + "," + b + ")");
            long w = b - a;
            if (w == 0) return H.EMPTY_ROOT;
            if (H.isPow2(w) && a % w == 0) return levels[Long.numberOfTrailingZeros(w)][(int) (a / w)];
            long k = H.splitK(w);
            return H.nodeHash(mth(a, a + k), mth(a + k, b));
        }

        /** RFC 9162 PATH(m, D[n]). */
        List<byte[]> path(long m, long n) {
            if (m < 0 || m >= n || n > size) throw new IllegalArgumentException("path(" + m + "," + n + ")");
            List<byte[]> out = new ArrayList<>();
            pathRec(m, 0, n, out);
            return out;
        }

        private void pathRec(long m, long a, long b, List<byte[]> out) {
            if (b - a == 1) return;                                  // PATH(0, {d}) = {}
            long k = H.splitK(b - a);
            if (m < a + k) {                                         // m < k: left subtree, then MTH(D[k:n])
                pathRec(m, a, a + k, out);
                out.add(mth(a + k, b));
            } else {                                                 // m >= k: right subtree, then MTH(D[0:k])
                pathRec(m, a + k, b, out);
                out.add(mth(a, a + k));
            }
        }

        /** RFC 9162 PROOF(m, D[n]) = SUBPROOF(m, D[n], true); empty for m == 0 or m == n (product rule). */
        List<byte[]> proof(long m, long n) {
            if (m < 0 || m > n || n > size) throw new IllegalArgumentException("proof(" + m + "," + n + ")");
            List<byte[]> out = new ArrayList<>();
            if (m == 0 || m == n) return out;
            subRec(m, 0, n, true, out);
            return out;
        }

        private void subRec(long m, long a, long b, boolean whole, List<byte[]> out) {
            if (m == b) {                                            // SUBPROOF(m, D[m], b)
                if (!whole) out.add(mth(a, b));
                return;
            }
            long k = H.splitK(b - a);
            if (m <= a + k) {
                subRec(m, a, a + k, whole, out);
                out.add(mth(a + k, b));
            } else {
                subRec(m, a + k, b, false, out);
                out.add(mth(a, a + k));
            }
        }
    }

    static final class Merkle {
        static final int MAX_PATH = 64;

        /** Root of every prefix D[0:s], s = 0..n, with an append-only compact range (stack of perfect subtrees). */
        static byte[][] compactRoots(byte[][] leafHashes) {
            int n = leafHashes.length;
            byte[][] roots = new byte[n + 1][];
            roots[0] = H.EMPTY_ROOT;
            byte[][] stack = new byte[65][];
            int sp = 0;
            for (int i = 0; i < n; i++) {
                byte[] h = leafHashes[i];
                long idx = i;
                while ((idx & 1) == 1) {                              // one merge per trailing 1-bit of the old size
                    h = H.nodeHash(stack[--sp], h);
                    idx >>= 1;
                }
                stack[sp++] = h;
                byte[] r = stack[sp - 1];
                for (int j = sp - 2; j >= 0; j--) r = H.nodeHash(stack[j], r);
                roots[i + 1] = r;
            }
            return roots;
        }

        /** RFC 9162 §2.1.3.2, step by step. */
        static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
            if (leafIndex < 0 || leafIndex >= treeSize) return false;                 // 1
            if (path.size() > MAX_PATH || leafHash == null || leafHash.length != 32) return false;
            long fn = leafIndex, sn = treeSize - 1;                                    // 2
            byte[] r = leafHash;                                                       // 3
            for (byte[] p : path) {                                                    // 4
                if (p == null || p.length != 32) return false;
                if (sn == 0) return false;                                             // 4a
                if ((fn & 1) == 1 || fn == sn) {                                       // 4b
                    r = H.nodeHash(p, r);
                    if ((fn & 1) == 0) {
                        while (!((fn & 1) == 1 || fn == 0)) {
                            fn >>= 1;
                            sn >>= 1;
                        }
                    }
                } else {
                    r = H.nodeHash(r, p);
                }
                fn >>= 1;                                                              // 4c
                sn >>= 1;
            }
            return sn == 0 && Arrays.equals(r, root);                                 // 5
        }

        /** RFC 9162 §2.1.4.2, step by step, plus the trivial cases (first == 0, first == second). */
        static boolean verifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash, List<byte[]> path) {
            if (first < 0 || second < first) return false;
            if (path.size() > MAX_PATH) return false;
            for (byte[] p : path) if (p == null || p.length != 32) return false;
            if (first == 0) return path.isEmpty();
            if (first == second) return path.isEmpty() && Arrays.equals(firstHash, secondHash);
            if (path.isEmpty()) return false;                                          // 1
            List<byte[]> cp = new ArrayList<>();
            if (H.isPow2(first)) cp.add(firstHash);                                    // 2
            cp.addAll(path);
            long fn = first - 1, sn = second - 1;                                      // 3
            while ((fn & 1) == 1) {                                                    // 4
                fn >>= 1;
                sn >>= 1;
            }
            byte[] fr = cp.get(0), sr = cp.get(0);                                     // 5
            for (int i = 1; i < cp.size(); i++) {                                      // 6
                byte[] c = cp.get(i);
                if (sn == 0) return false;                                             // 6a
                if ((fn & 1) == 1 || fn == sn) {                                       // 6b
                    fr = H.nodeHash(c, fr);
                    sr = H.nodeHash(c, sr);
                    if ((fn & 1) == 0) {
                        while (!((fn & 1) == 1 || fn == 0)) {
                            fn >>= 1;
                            sn >>= 1;
                        }
                    }
                } else {
                    sr = H.nodeHash(sr, c);
                }
                fn >>= 1;                                                              // 6c
                sn >>= 1;
            }
            return Arrays.equals(fr, firstHash) && Arrays.equals(sr, secondHash) && sn == 0;   // 7
        }

        // ---- literal, list-based transcriptions of the RFC definitions (self-test cross-check only) ----

        static byte[] naiveMth(List<byte[]> d) {
            int n = d.size();
            if (n == 0) return H.EMPTY_ROOT;
            if (n == 1) return d.get(0);
            int k = (int) H.splitK(n);
            return H.nodeHash(naiveMth(d.subList(0, k)), naiveMth(d.subList(k, n)));
        }

        static List<byte[]> naivePath(int m, List<byte[]> d) {
            int n = d.size();
            if (n == 1) return new ArrayList<>();
            int k = (int) H.splitK(n);
            List<byte[]> p;
            if (m < k) {
                p = naivePath(m, d.subList(0, k));
                p.add(naiveMth(d.subList(k, n)));
            } else {
                p = naivePath(m - k, d.subList(k, n));
                p.add(naiveMth(d.subList(0, k)));
            }
            return p;
        }

        static List<byte[]> naiveProof(int m, List<byte[]> d) {
            return naiveSubproof(m, d, true);
        }

        static List<byte[]> naiveSubproof(int m, List<byte[]> d, boolean b) {
            int n = d.size();
            if (m == n) {
                List<byte[]> r = new ArrayList<>();
                if (!b) r.add(naiveMth(d));
                return r;
            }
            int k = (int) H.splitK(n);
            List<byte[]> r;
            if (m <= k) {
                r = naiveSubproof(m, d.subList(0, k), b);
                r.add(naiveMth(d.subList(k, n)));
            } else {
                r = naiveSubproof(m - k, d.subList(k, n), false);
                r.add(naiveMth(d.subList(0, k)));
            }
            return r;
        }
    }

    // =====================================================================================
    // C2SP signed-note, vkey, tlog-checkpoint, tlog-proof@v1
    // =====================================================================================

    static final class Note {
        static final String EM_DASH = "\u2014";
        static final int MAX_SIGS = 100;
        private static final byte[] ED25519_SPKI_PREFIX = H.unhex("302a300506032b6570032100");

        record Vkey(String name, byte[] keyId, byte[] pub, PublicKey key) {
            String id() {
                return name + "+" + H.hex(keyId);
            }
        }

        record SigLine(String name, byte[] keyId, byte[] sig) {
        }

        record Parsed(byte[] text, List<SigLine> sigs) {
        }

        record Check(int valid, int unknown, List<String> problems) {
            boolean ok() {
                return valid >= 1 && problems.isEmpty();
            }
        }

        record Checkpoint(String origin, long size, byte[] root, List<String> extensions, Check check, byte[] text) {
        }

        record TlogProof(byte[] extra, long index, List<byte[]> path, byte[] checkpoint) {
        }

        static boolean validKeyName(String name) {
            if (name.isEmpty()) return false;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == '+' || c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c)) return false;
            }
            return true;
        }

        /** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4] */
        static byte[] keyId(String name, byte type, byte[] pub) {
            byte[] h = H.sha256(name.getBytes(StandardCharsets.UTF_8), new byte[]{0x0A, type}, pub);
            return Arrays.copyOf(h, 4);
        }

        static PublicKey ed25519Key(byte[] raw32) throws Bad {
            try {
                return KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(H.concat(ED25519_SPKI_PREFIX, raw32)));
            } catch (GeneralSecurityException e) {
                throw new Bad("not a usable Ed25519 public key: " + e.getMessage());
            }
        }

        static boolean ed25519Verify(PublicKey k, byte[] msg, byte[] sig) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(k);
                s.update(msg);
                return s.verify(sig);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }

        /** "<name>+<hex key id>+<base64(0x01 || 32-byte key)>"; the key id must recompute. */
        static Vkey parseVkey(String s) throws Bad {
            int p1 = s.indexOf('+');
            if (p1 < 0) throw new Bad("vkey has no '+' separators: " + H.abbrev(s));
            int p2 = s.indexOf('+', p1 + 1);
            if (p2 < 0) throw new Bad("vkey has only one '+' separator: " + H.abbrev(s));
            String name = s.substring(0, p1), idHex = s.substring(p1 + 1, p2), keyB64 = s.substring(p2 + 1);
            if (!validKeyName(name)) throw new Bad("vkey key name is empty or has a space, '+' or control character: '" + name + "'");
            if (!idHex.matches("[0-9a-fA-F]{8}")) throw new Bad("vkey key id is not 8 hex digits: '" + idHex + "'");
            byte[] raw = H.unb64(keyB64);
            if (raw == null) throw new Bad("vkey key is not strict standard base64: '" + keyB64 + "'");
            if (raw.length != 33 || raw[0] != 0x01) {
                throw new Bad("vkey key is not 0x01 || 32-byte Ed25519 key (" + raw.length + " bytes, type 0x"
                        + (raw.length > 0 ? String.format("%02x", raw[0]) : "??") + ")");
            }
            byte[] pub = Arrays.copyOfRange(raw, 1, 33);
            byte[] id = keyId(name, (byte) 0x01, pub);
            if (!H.hex(id).equalsIgnoreCase(idHex)) {
                throw new Bad("vkey key id " + idHex + " does not match recomputed SHA-256(name||0x0A||0x01||key)[:4] = " + H.hex(id));
            }
            return new Vkey(name, id, pub, ed25519Key(pub));
        }

        /** Split a signed note into text (including its final newline) and signature lines. */
        static Parsed parse(byte[] b) throws Bad {
            String s = H.utf8Strict(b);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n') throw new Bad(String.format("note contains control character U+%04X at char %d", (int) c, i));
            }
            if (b.length == 0 || b[b.length - 1] != '\n') throw new Bad("note does not end in a newline");
            int split = -1;                                            // the LAST empty line separates text and signatures
            for (int i = b.length - 2; i >= 0; i--) {
                if (b[i] == '\n' && b[i + 1] == '\n') {
                    split = i;
                    break;
                }
            }
            if (split < 0) throw new Bad("note has no blank line before its signatures");
            byte[] text = Arrays.copyOfRange(b, 0, split + 1);
            String block = new String(b, split + 2, b.length - split - 2, StandardCharsets.UTF_8);
            if (block.isEmpty()) throw new Bad("note has no signature lines");
            String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
            if (lines.length > MAX_SIGS) throw new Bad("note has " + lines.length + " signature lines (limit " + MAX_SIGS + ")");
            List<SigLine> sigs = new ArrayList<>();
            for (String line : lines) {
                if (!line.startsWith(EM_DASH + " ")) throw new Bad("signature line does not start with em dash U+2014 and a space: '" + H.abbrev(line) + "'");
                String rest = line.substring(2);
                int sp = rest.indexOf(' ');
                if (sp <= 0) throw new Bad("malformed signature line: '" + H.abbrev(line) + "'");
                String name = rest.substring(0, sp), sigB64 = rest.substring(sp + 1);
                if (!validKeyName(name)) throw new Bad("bad key name in signature line: '" + H.abbrev(line) + "'");
                byte[] raw = H.unb64(sigB64);
                if (raw == null || raw.length < 5) throw new Bad("signature is not strict base64 of key id + signature: '" + H.abbrev(line) + "'");
                sigs.add(new SigLine(name, Arrays.copyOfRange(raw, 0, 4), Arrays.copyOfRange(raw, 4, raw.length)));
            }
            return new Parsed(text, sigs);
        }

        /** Unknown keys (name or id differ) are ignored; known-key signatures must all verify; at least one must. */
        static Check verify(Parsed n, Vkey k) {
            int valid = 0, unknown = 0;
            List<String> problems = new ArrayList<>();
            for (SigLine s : n.sigs()) {
                if (s.name().equals(k.name()) && Arrays.equals(s.keyId(), k.keyId())) {
                    if (s.sig().length == 64 && ed25519Verify(k.key(), n.text(), s.sig())) valid++;
                    else problems.add("signature by " + k.id() + " does not verify (" + s.sig().length + "-byte signature)");
                } else {
                    unknown++;
                }
            }
            if (valid == 0 && problems.isEmpty()) problems.add("no signature by " + k.id() + " (" + unknown + " from unknown keys)");
            return new Check(valid, unknown, problems);
        }

        /** Three mandatory lines: origin, decimal size without leading zeros, base64 32-byte root; extension lines allowed. */
        static Checkpoint parseCheckpointText(byte[] text, Check check) throws Bad {
            String t = new String(text, StandardCharsets.UTF_8);
            String[] lines = t.substring(0, t.length() - 1).split("\n", -1);
            if (lines.length < 3) throw new Bad("checkpoint text has " + lines.length + " line(s), needs origin, size and root");
            if (lines[0].isEmpty()) throw new Bad("checkpoint origin line is empty");
            long size = H.parseDec(lines[1]);
            if (size < 0) throw new Bad("checkpoint size line is not a decimal without leading zeros: '" + H.abbrev(lines[1]) + "'");
            byte[] root = H.hash32(lines[2]);
            if (root == null) throw new Bad("checkpoint root line is not strict base64 of 32 bytes: '" + H.abbrev(lines[2]) + "'");
            List<String> ext = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
            for (String e : ext) if (e.isEmpty()) throw new Bad("checkpoint has an empty extension line");
            return new Checkpoint(lines[0], size, root, ext, check, text);
        }

        /** Parse + verify a signed checkpoint note; throws unless validly signed by k. */
        static Checkpoint openCheckpoint(byte[] note, Vkey k) throws Bad {
            Parsed p = parse(note);
            Check c = verify(p, k);
            if (!c.ok()) throw new Bad(String.join("; ", c.problems()));
            return parseCheckpointText(p.text(), c);
        }

        /** c2sp.org/tlog-proof@v1: header, [extra b64], index n, hashes..., empty line, checkpoint verbatim. */
        static TlogProof parseTlogProof(byte[] b) throws Bad {
            H.utf8Strict(b);
            int[] pos = {0};
            String line = nextLine(b, pos);
            if (!line.equals("c2sp.org/tlog-proof@v1")) throw new Bad("first line is not c2sp.org/tlog-proof@v1: '" + H.abbrev(line) + "'");
            line = nextLine(b, pos);
            byte[] extra = null;
            if (line.startsWith("extra ")) {
                extra = H.unb64(line.substring(6));
                if (extra == null) throw new Bad("extra line is not strict base64");
                line = nextLine(b, pos);
            }
            if (!line.startsWith("index ")) throw new Bad("missing 'index <n>' line: '" + H.abbrev(line) + "'");
            long idx = H.parseDec(line.substring(6));
            if (idx < 0) throw new Bad("index is not a decimal without leading zeros: '" + H.abbrev(line) + "'");
            List<byte[]> path = new ArrayList<>();
            while (true) {
                line = nextLine(b, pos);
                if (line.isEmpty()) break;
                byte[] h = H.hash32(line);
                if (h == null) throw new Bad("proof line is not strict base64 of 32 bytes: '" + H.abbrev(line) + "'");
                path.add(h);
                if (path.size() > Merkle.MAX_PATH) throw new Bad("more than " + Merkle.MAX_PATH + " proof hashes");
            }
            byte[] cp = Arrays.copyOfRange(b, pos[0], b.length);
            if (cp.length == 0) throw new Bad("no checkpoint after the empty line");
            return new TlogProof(extra, idx, path, cp);
        }

        private static String nextLine(byte[] b, int[] pos) throws Bad {
            for (int i = pos[0]; i < b.length; i++) {
                if (b[i] == '\n') {
                    String s = new String(b, pos[0], i - pos[0], StandardCharsets.UTF_8);
                    pos[0] = i + 1;
                    return s;
                }
            }
            throw new Bad("truncated: a line is not terminated by a newline");
        }
    }

    // =====================================================================================
    // Minimal JSON parser (RFC 8259) and RFC 8785 (JCS) serializer for the subset we can check
    // =====================================================================================

    static final class Json {
        static final Object NULL = new Object() {
            @Override
            public String toString() {
                return "null";
            }
        };

        record Num(String text) {
        }

        static final class Unsupported extends Exception {
            Unsupported(String m) {
                super(m);
            }
        }

        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String s) throws Bad {
            Json j = new Json(s);
            j.ws();
            Object v = j.value(0);
            j.ws();
            if (j.i != s.length()) throw j.err("trailing data");
            return v;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> parseObject(byte[] body) throws Bad {
            Object v = parse(H.utf8Strict(body));
            if (!(v instanceof Map)) throw new Bad("body is JSON but not an object");
            return (Map<String, Object>) v;
        }

        private Bad err(String m) {
            return new Bad("invalid JSON at offset " + i + ": " + m);
        }

        private void ws() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
                else break;
            }
        }

        private Object value(int depth) throws Bad {
            if (depth > 200) throw err("nesting too deep");
            if (i >= s.length()) throw err("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return NULL;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw err("unexpected character '" + c + "'");
            }
        }

        private void literal(String w) throws Bad {
            if (!s.startsWith(w, i)) throw err("expected " + w);
            i += w.length();
        }

        private Map<String, Object> object(int depth) throws Bad {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                if (i >= s.length() || s.charAt(i) != '"') throw err("expected a member name");
                String k = string();
                if (m.containsKey(k)) throw err("duplicate member name '" + k + "'");
                ws();
                if (i >= s.length() || s.charAt(i) != ':') throw err("expected ':'");
                i++;
                ws();
                m.put(k, value(depth + 1));
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                if (i < s.length() && s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                throw err("expected ',' or '}'");
            }
        }

        private List<Object> array(int depth) throws Bad {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return a;
            }
            while (true) {
                ws();
                a.add(value(depth + 1));
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                if (i < s.length() && s.charAt(i) == ']') {
                    i++;
                    return a;
                }
                throw err("expected ',' or ']'");
            }
        }

        private String string() throws Bad {
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw err("raw control character in string");
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) throw err("unterminated escape");
                char e = s.charAt(i++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) throw err("short \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw err("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        throw err("bad escape \\" + e);
                }
            }
        }

        private Num number() throws Bad {
            int st = i;
            if (s.charAt(i) == '-') i++;
            if (i >= s.length()) throw err("bad number");
            if (s.charAt(i) == '0') i++;
            else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
            else throw err("bad number");
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int d = i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
                if (i == d) throw err("bad fraction");
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                int d = i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
                if (i == d) throw err("bad exponent");
            }
            return new Num(s.substring(st, i));
        }

        private static final BigInteger MAX_SAFE = BigInteger.ONE.shiftLeft(53);

        /**
         * RFC 8785 serialization. Numbers are supported when they are integers with |v| <= 2^53 (then
         * ES Number-to-string is the plain decimal); anything else throws Unsupported (not checkable here).
         */
        @SuppressWarnings("unchecked")
        static String jcs(Object v) throws Unsupported, Bad {
            StringBuilder sb = new StringBuilder();
            jcs(v, sb);
            return sb.toString();
        }

        @SuppressWarnings("unchecked")
        private static void jcs(Object v, StringBuilder sb) throws Unsupported, Bad {
            if (v == NULL) sb.append("null");
            else if (v instanceof Boolean) sb.append(v.toString());
            else if (v instanceof String) jcsString((String) v, sb);
            else if (v instanceof Num) {
                BigDecimal bd = new BigDecimal(((Num) v).text());
                if (bd.signum() == 0) {
                    sb.append('0');
                    return;
                }
                BigInteger bi;
                try {
                    bi = bd.toBigIntegerExact();
                } catch (ArithmeticException e) {
                    throw new Unsupported("non-integer number " + ((Num) v).text());
                }
                if (bi.abs().compareTo(MAX_SAFE) > 0) throw new Unsupported("integer beyond 2^53: " + ((Num) v).text());
                sb.append(bi);
            } else if (v instanceof List) {
                sb.append('[');
                boolean first = true;
                for (Object x : (List<Object>) v) {
                    if (!first) sb.append(',');
                    first = false;
                    jcs(x, sb);
                }
                sb.append(']');
            } else {
                Map<String, Object> m = (Map<String, Object>) v;
                List<String> keys = new ArrayList<>(m.keySet());
                keys.sort(null);                                        // String.compareTo = UTF-16 code unit order, as JCS
                sb.append('{');
                boolean first = true;
                for (String k : keys) {
                    if (!first) sb.append(',');
                    first = false;
                    jcsString(k, sb);
                    sb.append(':');
                    jcs(m.get(k), sb);
                }
                sb.append('}');
            }
        }

        private static void jcsString(String s, StringBuilder sb) throws Bad {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    sb.append(c).append(s.charAt(++i));
                    continue;
                }
                if (Character.isSurrogate(c)) throw new Bad("lone surrogate in string (not I-JSON)");
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\b': sb.append("\\b"); break;
                    case '\f': sb.append("\\f"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                }
            }
            sb.append('"');
        }

        static long getLong(Map<String, Object> m, String k) throws Bad {
            Object v = m.get(k);
            if (!(v instanceof Num)) throw new Bad("field '" + k + "' is missing or not a number");
            long x = H.parseDec(((Num) v).text());
            if (x < 0) throw new Bad("field '" + k + "' is not a non-negative integer: " + ((Num) v).text());
            return x;
        }

        static byte[] getHash(Map<String, Object> m, String k) throws Bad {
            Object v = m.get(k);
            if (!(v instanceof String)) throw new Bad("field '" + k + "' is missing or not a string");
            byte[] h = H.hash32((String) v);
            if (h == null) throw new Bad("field '" + k + "' is not strict base64 of 32 bytes: '" + v + "'");
            return h;
        }

        static List<byte[]> getPath(Map<String, Object> m, String k) throws Bad {
            Object v = m.get(k);
            if (!(v instanceof List)) throw new Bad("field '" + k + "' is missing or not an array");
            List<?> a = (List<?>) v;
            if (a.size() > Merkle.MAX_PATH) throw new Bad("field '" + k + "' has " + a.size() + " elements (> " + Merkle.MAX_PATH + ")");
            List<byte[]> out = new ArrayList<>();
            for (int j = 0; j < a.size(); j++) {
                Object x = a.get(j);
                byte[] h = x instanceof String ? H.hash32((String) x) : null;
                if (h == null) throw new Bad(k + "[" + j + "] is not strict base64 of 32 bytes: " + x);
                out.add(h);
            }
            return out;
        }
    }

    // =====================================================================================
    // HTTP
    // =====================================================================================

    record Resp(int status, String contentType, byte[] body) {
        String mediaType() {
            if (contentType == null) return "";
            int semi = contentType.indexOf(';');
            return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
        }

        String bodySnippet() {
            return H.abbrev(body);
        }
    }

    static final class Http {
        final String base;
        final HttpClient client;
        int requests;

        Http(String base) {
            this.base = base;
            this.client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }

        Resp get(String path) {
            requests++;
            try {
                HttpRequest rq = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(120)).header("Accept", "*/*").GET().build();
                HttpResponse<byte[]> r = client.send(rq, HttpResponse.BodyHandlers.ofByteArray());
                return new Resp(r.statusCode(), r.headers().firstValue("content-type").orElse(null), r.body());
            } catch (IOException e) {
                throw new ConnectionError("GET " + path + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionError("interrupted during GET " + path);
            }
        }
    }

    // =====================================================================================
    // The verifier
    // =====================================================================================

    static final class Verifier {
        static final int CHECKPOINT_ALL_LIMIT = 2000;
        static final int CHECKPOINT_SAMPLE = 300;
        static final int ENTRY_SAMPLE = 200;
        static final int INCLUSION_SAMPLE = 300;
        static final int TLOG_SAMPLE = 50;
        static final int PAGE = 1000;

        final Http http;
        final PrintStream out;
        int failures;
        private String gName = "";
        private int gChecked, gFailed;

        Note.Vkey vkey;
        Note.Checkpoint latest;
        int n;
        byte[][] leaves;
        Tree tree;
        byte[][] roots;
        final Map<Long, Boolean> linked = new HashMap<>();   // checkpoint sizes > n already tied to roots[n]
        final Set<String> infoOnce = new HashSet<>();

        Verifier(String base, PrintStream out) {
            this.http = new Http(base);
            this.out = out;
        }

        // ---- reporting ----

        private void begin(String name) {
            gName = name;
            gChecked = 0;
            gFailed = 0;
        }

        private void end(String detail) {
            out.printf("%-12s %s; %d checks, %d failed%n", gName + ":", detail, gChecked, gFailed);
        }

        private void pass() {
            gChecked++;
        }

        private void fail(String what, String details) {
            gChecked++;
            gFailed++;
            failures++;
            out.println("FAIL " + what + " " + details);
        }

        private boolean check(boolean ok, String what, String details) {
            if (ok) pass();
            else fail(what, details);
            return ok;
        }

        private void info(String msg) {
            out.println("INFO " + msg);
        }

        private void infoOnce(String key, String msg) {
            if (infoOnce.add(key)) info(msg);
        }

        private void expectType(Resp r, String media, String what) {
            check(r.mediaType().equals(media), what, "Content-Type is '" + r.contentType() + "', expected " + media);
        }

        private void softType(Resp r, String media, String what) {
            if (!r.mediaType().equals(media)) {
                infoOnce("type:" + what, what + " responses have Content-Type '" + r.contentType() + "' (expected " + media + ")");
            }
        }

        // ---- main flow ----

        int run() {
            out.println("VerifyLog: verifying " + http.base);
            if (!stepVkey()) return finish("no usable vkey");
            if (!stepLatest()) return finish("no usable latest checkpoint");
            if (latest.size() > Integer.MAX_VALUE - 16) {
                fail("checkpoint", "size " + latest.size() + " is too large for this verifier");
                return finish("log too large");
            }
            n = (int) latest.size();
            if (!stepEntries()) return finish("entries could not be fetched");
            tree = new Tree(leaves);
            roots = Merkle.compactRoots(leaves);
            if (!Arrays.equals(roots[n], tree.mth(0, n))) throw new IllegalStateException("internal: compact root != tree root");
            stepCanonical();
            stepRoots();
            List<Long> signed = stepCheckpoints();
            stepInclusion(signed);
            stepConsistency(signed);
            stepTlogProof();
            long current = stepGrowth();
            stepNegative(current);
            return finish(null);
        }

        private int finish(String abortReason) {
            if (abortReason != null) {
                out.println("ABORT " + abortReason + "; later checks were not run");
                if (failures == 0) failures = 1;
            }
            out.println(failures == 0
                    ? "RESULT PASS: the server agrees with every check (" + http.requests + " HTTP requests)"
                    : "RESULT FAIL: " + failures + " disagreement(s) (" + http.requests + " HTTP requests)");
            return failures;
        }

        // 1. vkey
        private boolean stepVkey() {
            begin("vkey");
            Resp r = http.get("/ledger/vkey");
            if (!check(r.status() == 200, "vkey", "GET /ledger/vkey returned HTTP " + r.status() + ": " + r.bodySnippet())) {
                end("unavailable");
                return false;
            }
            expectType(r, "text/plain", "vkey");
            String s;
            try {
                s = H.utf8Strict(r.body());
            } catch (Bad e) {
                fail("vkey", e.getMessage());
                end("unparseable");
                return false;
            }
            if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);   // tolerate one trailing newline
            try {
                vkey = Note.parseVkey(s);
                pass();
            } catch (Bad e) {
                fail("vkey", e.getMessage());
                end("unusable");
                return false;
            }
            end("name=" + vkey.name() + " keyid=" + H.hex(vkey.keyId()) + " (recomputed)");
            return true;
        }

        // 2. latest checkpoint
        private boolean stepLatest() {
            begin("checkpoint");
            Resp r = http.get("/ledger/checkpoint");
            if (!check(r.status() == 200, "checkpoint", "GET /ledger/checkpoint returned HTTP " + r.status() + ": " + r.bodySnippet())) {
                end("unavailable");
                return false;
            }
            expectType(r, "text/plain", "checkpoint");
            try {
                latest = Note.openCheckpoint(r.body(), vkey);
                pass();
            } catch (Bad e) {
                fail("checkpoint", "latest checkpoint is not validly signed by " + vkey.id() + ": " + e.getMessage());
                end("unusable");
                return false;
            }
            check(latest.origin().equals(vkey.name()), "checkpoint",
                    "origin '" + latest.origin() + "' differs from the key name '" + vkey.name() + "'");
            if (!latest.extensions().isEmpty()) {
                info("latest checkpoint carries " + latest.extensions().size() + " extension line(s) (NOT RECOMMENDED by tlog-checkpoint)");
            }
            end("origin=" + latest.origin() + " size=" + latest.size() + " root=" + H.b64(latest.root())
                    + "; " + latest.check().valid() + " valid signature(s) by the log key, "
                    + latest.check().unknown() + " unknown-key signature(s) ignored");
            return true;
        }

        // 3. entries (ndjson pages + single-entry comparisons)
        private final Map<Integer, byte[]> sampledBytes = new HashMap<>();
        private List<byte[]> canonicalQueue = null;

        private boolean stepEntries() {
            begin("entries");
            List<Integer> sample = n <= ENTRY_SAMPLE ? H.spread(n, 0, n - 1) : H.spread(ENTRY_SAMPLE, 0, n - 1);
            Set<Integer> sampleSet = new HashSet<>(sample);
            leaves = new byte[n][];
            canonicalStats = new int[3];
            int pages = 0, trailingNl = 0;
            for (int start = 0; start < n; start += PAGE) {
                int lim = Math.min(PAGE, n - start);
                String path = "/ledger/entries?start=" + start + "&limit=" + lim;
                String what = "entries[start=" + start + ",limit=" + lim + "]";
                Resp r = http.get(path);
                pages++;
                if (!check(r.status() == 200, what, "HTTP " + r.status() + ": " + r.bodySnippet())) {
                    end("stopped at page " + pages);
                    return false;
                }
                expectType(r, "application/x-ndjson", what);
                byte[] body = r.body();
                int len = body.length;
                if (len > 0 && body[len - 1] == '\n') {
                    len--;
                    trailingNl++;
                }
                List<byte[]> lines = new ArrayList<>();
                if (len > 0) {                                   // lines separated by \n; one final \n tolerated
                    int st = 0;
                    for (int i = 0; i <= len; i++) {
                        if (i == len || body[i] == '\n') {
                            lines.add(Arrays.copyOfRange(body, st, i));
                            st = i + 1;
                        }
                    }
                }
                if (!check(lines.size() == lim, what, "got " + lines.size() + " line(s), expected " + lim)) {
                    end("stopped at page " + pages);
                    return false;
                }
                for (int j = 0; j < lim; j++) {
                    int idx = start + j;
                    byte[] e = lines.get(j);
                    if (e.length == 0) fail("entry[" + idx + "]", "ndjson line is empty");
                    else if (indexOf(e, (byte) '\r') >= 0) fail("entry[" + idx + "]", "ndjson line contains a carriage return");
                    else pass();
                    leaves[idx] = H.leafHash(e);
                    if (sampleSet.contains(idx)) sampledBytes.put(idx, e);
                    canonical(idx, e);
                }
            }
            int compared = 0;
            for (int idx : sample) {
                String what = "entry[" + idx + "]";
                Resp r = http.get("/ledger/entries/" + idx);
                compared++;
                if (!check(r.status() == 200, what, "GET /ledger/entries/" + idx + " returned HTTP " + r.status())) continue;
                expectType(r, "application/json", what);
                byte[] a = r.body(), b = sampledBytes.get(idx);
                if (Arrays.equals(a, b)) {
                    pass();
                } else {
                    int k = 0;
                    while (k < a.length && k < b.length && a[k] == b[k]) k++;
                    fail(what, "single-entry bytes differ from the ndjson line: lengths " + a.length + " vs " + b.length
                            + ", first difference at byte " + k + "; leaf hashes " + H.b64(H.leafHash(a)) + " vs " + H.b64(H.leafHash(b)));
                }
            }
            if (n > 0 && trailingNl != pages) {
                infoOnce("ndjson-nl", "ndjson bodies: " + trailingNl + " of " + pages + " end with a newline");
            }
            end(n + " entries in " + pages + " ndjson page(s); " + compared + " single-entry fetches compared byte for byte");
            return true;
        }

        private int[] canonicalStats;   // [checked, unsupported, bad]
        private final List<String> canonicalFails = new ArrayList<>();

        private void canonical(int idx, byte[] e) {
            try {
                String s = H.utf8Strict(e);
                Object v = Json.parse(s);
                String c = Json.jcs(v);
                if (c.equals(s)) canonicalStats[0]++;
                else {
                    canonicalStats[2]++;
                    int k = 0;
                    while (k < c.length() && k < s.length() && c.charAt(k) == s.charAt(k)) k++;
                    canonicalFails.add("entry[" + idx + "]|is not RFC 8785 canonical JSON: first difference at char " + k
                            + " (stored '" + H.abbrev(s.substring(k, Math.min(s.length(), k + 40))) + "', canonical '"
                            + H.abbrev(c.substring(k, Math.min(c.length(), k + 40))) + "')");
                }
            } catch (Json.Unsupported u) {
                canonicalStats[1]++;
            } catch (Bad b) {
                canonicalStats[2]++;
                canonicalFails.add("entry[" + idx + "]|" + b.getMessage());
            }
        }

        private void stepCanonical() {
            begin("canonical");
            for (int i = 0; i < canonicalStats[0] + canonicalStats[1]; i++) pass();
            for (String f : canonicalFails) {
                int bar = f.indexOf('|');
                fail(f.substring(0, bar), f.substring(bar + 1));
            }
            end(canonicalStats[0] + " entries are RFC 8785 canonical JSON, " + canonicalStats[1]
                    + " not checkable here (non-integer or >2^53 numbers)");
        }

        // 4. roots
        private void stepRoots() {
            begin("roots");
            check(Arrays.equals(latest.root(), roots[n]), "roots",
                    "latest checkpoint root " + H.b64(latest.root()) + " != computed MTH(D[" + n + "]) " + H.b64(roots[n]));
            end("computed MTH for every size 0.." + n + " (compact range); latest checkpoint root "
                    + (Arrays.equals(latest.root(), roots[n]) ? "agrees" : "DISAGREES"));
        }

        // 4. stored checkpoints
        private List<Long> stepCheckpoints() {
            begin("checkpoints");
            TreeSet<Long> sizes = new TreeSet<>();
            boolean all = n <= CHECKPOINT_ALL_LIMIT;
            if (all) {
                for (long s = 1; s <= n; s++) sizes.add(s);
            } else {
                for (int s : H.spread(CHECKPOINT_SAMPLE, 1, n)) sizes.add((long) s);
                for (long p = 1; p <= n; p <<= 1) sizes.add(p);
                sizes.add((long) n);
            }
            List<Long> signed = new ArrayList<>();
            int present = 0, absent = 0;
            for (long s : sizes) {
                String what = "checkpoints/" + s;
                Resp r = http.get("/ledger/checkpoints/" + s);
                if (r.status() == 404) {
                    absent++;
                    if (s == n) fail(what, "404 for the size of the latest signed checkpoint");
                    else pass();
                    continue;
                }
                if (!check(r.status() == 200, what, "HTTP " + r.status() + " (expected 200 or 404): " + r.bodySnippet())) continue;
                present++;
                expectType(r, "text/plain", what);
                Note.Checkpoint cp;
                try {
                    cp = Note.openCheckpoint(r.body(), vkey);
                    pass();
                } catch (Bad e) {
                    fail(what, "not a validly signed checkpoint: " + e.getMessage());
                    continue;
                }
                boolean ok = check(cp.size() == s, what, "checkpoint says size " + cp.size() + ", requested " + s);
                ok &= check(cp.origin().equals(latest.origin()), what, "origin '" + cp.origin() + "' != '" + latest.origin() + "'");
                if (cp.size() == s) {
                    ok &= check(Arrays.equals(cp.root(), roots[(int) s]), what,
                            "root " + H.b64(cp.root()) + " != computed MTH(D[" + s + "]) " + H.b64(roots[(int) s]));
                }
                if (ok) signed.add(s);
            }
            end((all ? "all sizes 1.." + n : sizes.size() + " sampled sizes incl. powers of two and " + n) + " probed: "
                    + present + " signed checkpoint(s) returned, " + signed.size() + " fully agree, " + absent + " absent (404)");
            return signed;
        }

        // 5. inclusion proofs
        private void stepInclusion(List<Long> signed) {
            begin("inclusion");
            List<Integer> idxs = n <= INCLUSION_SAMPLE ? H.spread(n, 0, n - 1) : H.spread(INCLUSION_SAMPLE, 0, n - 1);
            TreeSet<Long> earlier = new TreeSet<>(signed);
            earlier.remove((long) n);
            int proofs = 0;
            for (int i : idxs) {
                LinkedHashSet<Long> sizes = new LinkedHashSet<>();
                sizes.add((long) n);
                NavigableSet<Long> cands = earlier.subSet((long) i, false, (long) n, false);
                if (!cands.isEmpty()) {
                    List<Long> c = new ArrayList<>(cands);
                    sizes.add(c.get(0));
                    sizes.add(c.get(c.size() / 2));
                    sizes.add(c.get(c.size() - 1));
                }
                for (long s : sizes) {
                    checkInclusion(i, s);
                    proofs++;
                }
            }
            end(proofs + " proofs for " + idxs.size() + " indices at size " + n + " and up to 3 earlier checkpoint sizes");
        }

        private void checkInclusion(int i, long s) {
            String what = "inclusion[index=" + i + ",size=" + s + "]";
            Resp r = http.get("/ledger/proof/inclusion?index=" + i + "&size=" + s);
            if (!check(r.status() == 200, what, "HTTP " + r.status() + ": " + r.bodySnippet())) return;
            softType(r, "application/json", "inclusion proof");
            Map<String, Object> o;
            long gi, gs;
            byte[] lh;
            List<byte[]> path;
            try {
                o = Json.parseObject(r.body());
                gi = Json.getLong(o, "index");
                gs = Json.getLong(o, "size");
                lh = Json.getHash(o, "leafHash");
                path = Json.getPath(o, "path");
                pass();
            } catch (Bad e) {
                fail(what, e.getMessage() + "; body: " + r.bodySnippet());
                return;
            }
            check(gi == i, what, "response index " + gi + " != " + i);
            check(gs == s, what, "response size " + gs + " != " + s);
            check(Arrays.equals(lh, leaves[i]), what, "leafHash " + H.b64(lh) + " != computed SHA-256(0x00||entry) " + H.b64(leaves[i]));
            List<byte[]> mine = tree.path(i, s);
            check(H.samePath(path, mine), what, "path differs from RFC 9162 PATH(" + i + ", D[" + s + "]): " + H.pathDiff(path, mine));
            check(Merkle.verifyInclusion(i, s, leaves[i], path, roots[(int) s]), what,
                    "RFC 9162 §2.1.3.2 verification of the served path against computed root " + H.b64(roots[(int) s]) + " fails");
        }

        // 6. consistency proofs
        record Pair(long m, long s) {
        }

        private void stepConsistency(List<Long> signed) {
            begin("consistency");
            LinkedHashSet<Pair> pairs = new LinkedHashSet<>();
            long N = n;
            if (N >= 1) {
                pairs.add(new Pair(0, 1));
                pairs.add(new Pair(0, N));
                pairs.add(new Pair(0, Math.max(1, N / 2)));
                pairs.add(new Pair(1, 1));
                pairs.add(new Pair(N, N));
                pairs.add(new Pair(Math.max(1, N / 2), Math.max(1, N / 2)));
            }
            for (long p = 1; p < N; p <<= 1) {                          // first size a power of two (and neighbours)
                pairs.add(new Pair(p, N));
                pairs.add(new Pair(p, p + 1));
                pairs.add(new Pair(p, Math.min(2 * p, N)));
                pairs.add(new Pair(p, Math.min(3 * p, N)));
                if (p + 1 < N) pairs.add(new Pair(p + 1, N));
                if (p > 2) pairs.add(new Pair(p - 1, N));
            }
            if (N >= 2) {
                for (int m : H.spread(40, 1, n - 1)) {
                    pairs.add(new Pair(m, N));
                    pairs.add(new Pair(m, m + 1));
                }
            }
            List<Long> chain = new ArrayList<>(new TreeSet<>(signed));  // successive signed checkpoints, as a monitor walks them
            if (!chain.contains(N) && N > 0) chain.add(N);
            if (chain.size() >= 2) {
                for (int k : H.spread(300, 0, chain.size() - 2)) pairs.add(new Pair(chain.get(k), chain.get(k + 1)));
            }
            if (N >= 2) {
                Random rnd = new Random(9162);
                for (int k = 0; k < 150; k++) {
                    long m = 1 + (long) rnd.nextInt(n);
                    long s = m + (long) rnd.nextInt((int) (N - m + 1));
                    pairs.add(new Pair(m, s));
                }
            }
            for (Pair p : pairs) checkConsistency(p.m(), p.s());
            end(pairs.size() + " proofs (from=0, equal sizes, power-of-two first sizes, successive checkpoints, random pairs)");
        }

        private void checkConsistency(long m, long s) {
            String what = "consistency[from=" + m + ",to=" + s + "]";
            Resp r = http.get("/ledger/proof/consistency?from=" + m + "&to=" + s);
            if (!check(r.status() == 200, what, "HTTP " + r.status() + ": " + r.bodySnippet())) return;
            softType(r, "application/json", "consistency proof");
            long gf, gt;
            List<byte[]> path;
            try {
                Map<String, Object> o = Json.parseObject(r.body());
                gf = Json.getLong(o, "from");
                gt = Json.getLong(o, "to");
                path = Json.getPath(o, "path");
                pass();
            } catch (Bad e) {
                fail(what, e.getMessage() + "; body: " + r.bodySnippet());
                return;
            }
            check(gf == m, what, "response from " + gf + " != " + m);
            check(gt == s, what, "response to " + gt + " != " + s);
            List<byte[]> mine = tree.proof(m, s);
            check(H.samePath(path, mine), what, (m == 0 || m == s ? "path must be empty: " : "path differs from RFC 9162 PROOF(" + m + ", D[" + s + "]): ")
                    + H.pathDiff(path, mine));
            check(Merkle.verifyConsistency(m, s, roots[(int) m], roots[(int) s], path), what,
                    "RFC 9162 §2.1.4.2 verification against computed roots fails");
        }

        // 7. tlog-proof bundles
        private void stepTlogProof() {
            begin("tlog-proof");
            List<Integer> idxs = n <= TLOG_SAMPLE ? H.spread(n, 0, n - 1) : H.spread(TLOG_SAMPLE, 0, n - 1);
            int extras = 0;
            for (int i : idxs) {
                String what = "tlog-proof[index=" + i + "]";
                Resp r = http.get("/ledger/tlog-proof?index=" + i);
                if (!check(r.status() == 200, what, "HTTP " + r.status() + ": " + r.bodySnippet())) continue;
                expectType(r, "text/plain", what);
                Note.TlogProof tp;
                Note.Checkpoint cp;
                try {
                    tp = Note.parseTlogProof(r.body());
                    pass();
                } catch (Bad e) {
                    fail(what, "not a c2sp.org/tlog-proof@v1: " + e.getMessage());
                    continue;
                }
                if (tp.extra() != null) extras++;
                check(tp.index() == i, what, "index line says " + tp.index() + ", requested " + i);
                try {
                    cp = Note.openCheckpoint(tp.checkpoint(), vkey);
                    pass();
                } catch (Bad e) {
                    fail(what, "bundled checkpoint is not validly signed: " + e.getMessage());
                    continue;
                }
                check(cp.origin().equals(latest.origin()), what, "bundled checkpoint origin '" + cp.origin() + "' != '" + latest.origin() + "'");
                if (!check(cp.size() > i, what, "bundled checkpoint size " + cp.size() + " does not cover index " + i)) continue;
                check(Merkle.verifyInclusion(i, cp.size(), leaves[i], tp.path(), cp.root()), what,
                        "inclusion of computed leaf hash " + H.b64(leaves[i]) + " does not verify against the bundled checkpoint (size "
                                + cp.size() + ", root " + H.b64(cp.root()) + ")");
                if (cp.size() <= n) {
                    int cs = (int) cp.size();
                    check(Arrays.equals(cp.root(), roots[cs]), what, "bundled checkpoint root " + H.b64(cp.root())
                            + " != computed MTH(D[" + cs + "]) " + H.b64(roots[cs]));
                    List<byte[]> mine = tree.path(i, cs);
                    check(H.samePath(tp.path(), mine), what, "path differs from RFC 9162 PATH(" + i + ", D[" + cs + "]): " + H.pathDiff(tp.path(), mine));
                    if (cs < n) infoOnce("tlog-older", "tlog-proof bundles a checkpoint of size " + cs + " < latest " + n);
                } else {
                    linkNewer(cp, what);
                }
            }
            end(idxs.size() + " bundles parsed and verified" + (extras > 0 ? " (" + extras + " with an extra line)" : ""));
        }

        /** Tie a validly signed checkpoint of size > n to our computed roots[n] with a served consistency proof. */
        private void linkNewer(Note.Checkpoint cp, String what) {
            Boolean done = linked.get(cp.size());
            if (done != null) {
                if (!done) fail(what, "checkpoint of size " + cp.size() + " is not consistent with computed root of size " + n);
                return;
            }
            String w = "consistency[from=" + n + ",to=" + cp.size() + "]";
            Resp r = http.get("/ledger/proof/consistency?from=" + n + "&to=" + cp.size());
            boolean ok = false;
            if (r.status() == 200) {
                try {
                    List<byte[]> path = Json.getPath(Json.parseObject(r.body()), "path");
                    ok = Merkle.verifyConsistency(n, cp.size(), roots[n], cp.root(), path);
                    if (!ok) fail(w, "served proof does not link computed root of size " + n + " to the signed root " + H.b64(cp.root()) + " of size " + cp.size());
                } catch (Bad e) {
                    fail(w, e.getMessage());
                }
            } else {
                fail(w, "HTTP " + r.status());
            }
            if (ok) pass();
            info("log grew to " + cp.size() + " during the run; linked to the verified prefix of size " + n + " by a consistency proof"
                    + (ok ? "" : " (FAILED)"));
            linked.put(cp.size(), ok);
        }

        // growth / rollback
        private long stepGrowth() {
            begin("latest-again");
            Resp r = http.get("/ledger/checkpoint");
            if (!check(r.status() == 200, "latest-again", "GET /ledger/checkpoint returned HTTP " + r.status())) {
                end("unavailable");
                return n;
            }
            Note.Checkpoint cp;
            try {
                cp = Note.openCheckpoint(r.body(), vkey);
                pass();
            } catch (Bad e) {
                fail("latest-again", "latest checkpoint is no longer validly signed: " + e.getMessage());
                end("unusable");
                return n;
            }
            if (cp.size() < n) {
                fail("latest-again", "latest checkpoint size went backwards from " + n + " to " + cp.size());
            } else if (cp.size() == n) {
                check(Arrays.equals(cp.root(), roots[n]), "latest-again", "same size " + n + " but a different root " + H.b64(cp.root()));
            } else {
                linkNewer(cp, "latest-again");
            }
            end("size " + cp.size() + (cp.size() == n ? " (unchanged)" : ""));
            return Math.max(cp.size(), n);
        }

        // 8. negative probes
        private void stepNegative(long cur) {
            begin("negative");
            int probes = 0;
            probes += probe("/ledger/proof/inclusion?index=abc&size=1", 400);
            probes += probe("/ledger/entries/" + cur, 404);
            probes += probe("/ledger/proof/inclusion?index=0&size=" + (cur + 1), 404);
            probes += probe("/ledger/entries?start=0&limit=1001", 400);
            // further probes that follow directly from "bad parameters -> 400, past the tree -> 404"
            probes += probe("/ledger/proof/consistency?from=0&to=" + (cur + 1), 404);
            probes += probe("/ledger/checkpoints/" + (cur + 1), 404);
            probes += probe("/ledger/tlog-proof?index=" + cur, 404);
            probes += probe("/ledger/entries/abc", 400);
            probes += probe("/ledger/proof/inclusion?index=-1&size=1", 400);
            probes += probe("/ledger/proof/consistency?from=x&to=1", 400);
            probes += probe("/ledger/entries?start=abc&limit=1", 400);
            probes += probe("/ledger/tlog-proof?index=abc", 400);
            // the contract does not pin these down; report what the server does
            observe("/ledger/proof/inclusion?index=" + cur + "&size=" + cur, "index == size (size inside the tree)");
            if (cur >= 2) observe("/ledger/proof/consistency?from=2&to=1", "from > to");
            observe("/ledger/entries?start=" + cur + "&limit=1", "page starting at the tree size");
            observe("/ledger/entries?start=0&limit=0", "limit=0");
            end(probes + " probes (current tree size " + cur + ")");
        }

        private int probe(String path, int want) {
            String what = "probe GET " + path;
            Resp r = http.get(path);
            if (check(r.status() == want, what, "returned HTTP " + r.status() + ", expected " + want + ": " + r.bodySnippet())
                    && want == 400) {
                if (check(r.mediaType().equals("application/problem+json"), what,
                        "400 with Content-Type '" + r.contentType() + "', expected application/problem+json")) {
                    try {
                        Json.parseObject(r.body());
                        pass();
                    } catch (Bad e) {
                        fail(what, "problem+json body is not a JSON object: " + e.getMessage());
                    }
                }
            }
            return 1;
        }

        private void observe(String path, String label) {
            Resp r = http.get(path);
            info("contract-unspecified probe (" + label + "): GET " + path + " -> HTTP " + r.status()
                    + (r.contentType() != null ? " " + r.mediaType() : ""));
        }

        private static int indexOf(byte[] a, byte b) {
            for (int i = 0; i < a.length; i++) if (a[i] == b) return i;
            return -1;
        }
    }

    // =====================================================================================
    // Self-test
    // =====================================================================================

    static final class SelfTest {
        private final PrintStream out;
        private int pass, fail, gPass, gFail;

        private SelfTest(PrintStream out) {
            this.out = out;
        }

        static int run(PrintStream out) {
            // The JDK's built-in HttpServer writes headers and body separately; without TCP_NODELAY each
            // mock response waits ~40 ms for a delayed ACK. Must be set before the first HttpServer.create.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            SelfTest t = new SelfTest(out);
            try {
                t.ctVectors();
                t.rfcExample();
                t.exhaustive();
                t.notes();
                t.tlogProofFormat();
                t.json();
                t.mockServer();
            } catch (Exception e) {
                out.println("FAIL selftest crashed: " + e);
                e.printStackTrace(out);
                t.fail++;
            }
            out.println(t.fail == 0 ? "SELFTEST PASS (" + t.pass + " checks)" : "SELFTEST FAIL (" + t.fail + " of " + (t.pass + t.fail) + " checks failed)");
            return t.fail == 0 ? 0 : 1;
        }

        private void ok(boolean c, String name) {
            if (c) {
                pass++;
                gPass++;
            } else {
                fail++;
                gFail++;
                out.println("FAIL selftest " + name);
            }
        }

        private void group(String name) {
            out.printf("%-30s %d passed, %d failed%n", name + ":", gPass, gFail);
            gPass = 0;
            gFail = 0;
        }

        private static List<byte[]> hl(String... hex) {
            List<byte[]> l = new ArrayList<>();
            for (String h : hex) l.add(H.unhex(h));
            return l;
        }

        // --- CT / transparency-dev vectors ---
        static final String[] CT_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
        static final String[] CT_ROOTS = {
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

        private void ctVectors() {
            byte[][] lh = new byte[8][];
            for (int i = 0; i < 8; i++) lh[i] = H.leafHash(H.unhex(CT_LEAVES[i]));
            Tree t = new Tree(lh);
            byte[][] roots = Merkle.compactRoots(lh);
            for (int s = 0; s <= 8; s++) {
                byte[] want = H.unhex(CT_ROOTS[s]);
                ok(Arrays.equals(Merkle.naiveMth(Arrays.asList(lh).subList(0, s)), want), "CT root (naive MTH) size " + s);
                ok(Arrays.equals(t.mth(0, s), want), "CT root (tile MTH) size " + s);
                ok(Arrays.equals(roots[s], want), "CT root (compact range) size " + s);
            }
            // inclusion vectors from transparency-dev/merkle proof/verify_test.go (leaf numbers there are 1-based)
            Object[][] inc = {
                    {0L, 1L, hl()},
                    {0L, 8L, hl("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
                    {5L, 8L, hl("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
                    {2L, 3L, hl("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")},
                    {1L, 5L, hl("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}};
            for (Object[] v : inc) {
                long i = (Long) v[0], s = (Long) v[1];
                @SuppressWarnings("unchecked") List<byte[]> want = (List<byte[]>) v[2];
                ok(H.samePath(t.path(i, s), want), "CT inclusion vector PATH(" + i + ", D[" + s + "])");
                ok(Merkle.verifyInclusion(i, s, lh[(int) i], want, roots[(int) s]), "CT inclusion vector verifies (" + i + "," + s + ")");
            }
            Object[][] cons = {
                    {1L, 1L, hl()},
                    {1L, 8L, hl("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
                    {6L, 8L, hl("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
                    {2L, 5L, hl("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")},
                    {6L, 7L, hl("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}};
            for (Object[] v : cons) {
                long m = (Long) v[0], s = (Long) v[1];
                @SuppressWarnings("unchecked") List<byte[]> want = (List<byte[]>) v[2];
                ok(H.samePath(t.proof(m, s), want), "CT consistency vector PROOF(" + m + ", D[" + s + "])");
                ok(Merkle.verifyConsistency(m, s, roots[(int) m], roots[(int) s], want), "CT consistency vector verifies (" + m + "," + s + ")");
            }
            // trivial-case rules
            byte[] some = H.sha256("x".getBytes());
            ok(Merkle.verifyConsistency(0, 0, H.EMPTY_ROOT, H.EMPTY_ROOT, hl()), "consistency 0->0 empty ok");
            ok(Merkle.verifyConsistency(0, 5, H.EMPTY_ROOT, roots[5], hl()), "consistency 0->5 empty ok");
            ok(!Merkle.verifyConsistency(0, 5, H.EMPTY_ROOT, roots[5], List.of(roots[5])), "consistency 0->5 non-empty rejected");
            ok(!Merkle.verifyConsistency(3, 3, roots[3], roots[3], List.of(roots[3])), "consistency 3->3 non-empty rejected");
            ok(!Merkle.verifyConsistency(3, 3, roots[3], roots[4], hl()), "consistency 3->3 different roots rejected");
            ok(!Merkle.verifyConsistency(4, 3, roots[4], roots[3], hl()), "consistency backwards rejected");
            ok(!Merkle.verifyConsistency(2, 5, roots[2], roots[5], hl()), "consistency 2->5 empty proof rejected");
            ok(!Merkle.verifyInclusion(0, 0, some, hl(), H.EMPTY_ROOT), "inclusion in empty tree rejected");
            ok(!Merkle.verifyInclusion(1, 1, lh[0], hl(), roots[1]), "inclusion index == size rejected");
            group("CT vectors");
        }

        // --- RFC 9162 worked example (7 leaves) ---
        private void rfcExample() {
            byte[][] lh = new byte[7][];
            for (int i = 0; i < 7; i++) lh[i] = H.leafHash(H.unhex(CT_LEAVES[i]));
            byte[] a = lh[0], b = lh[1], c = lh[2], d = lh[3], e = lh[4], f = lh[5], j = lh[6];
            byte[] g = H.nodeHash(a, b), h = H.nodeHash(c, d), i = H.nodeHash(e, f), k = H.nodeHash(g, h), l = H.nodeHash(i, j);
            byte[] root = H.nodeHash(k, l);
            Tree t = new Tree(lh);
            ok(Arrays.equals(t.mth(0, 7), root), "RFC example root = node(k,l)");
            ok(Arrays.equals(root, H.unhex(CT_ROOTS[7])), "RFC example root = CT root 7");
            Object[][] paths = {{0, List.of(b, h, l)}, {3, List.of(c, g, l)}, {4, List.of(f, j, k)}, {6, List.of(i, k)}};
            for (Object[] p : paths) {
                int m = (Integer) p[0];
                @SuppressWarnings("unchecked") List<byte[]> want = (List<byte[]>) p[1];
                ok(H.samePath(t.path(m, 7), want), "RFC example inclusion d" + m);
                ok(Merkle.verifyInclusion(m, 7, lh[m], want, root), "RFC example inclusion d" + m + " verifies");
            }
            byte[][] roots = Merkle.compactRoots(lh);
            Object[][] proofs = {{3, List.of(c, d, g, l)}, {4, List.of(l)}, {6, List.of(i, j, k)}};
            for (Object[] p : proofs) {
                int m = (Integer) p[0];
                @SuppressWarnings("unchecked") List<byte[]> want = (List<byte[]>) p[1];
                ok(H.samePath(t.proof(m, 7), want), "RFC example PROOF(" + m + ", D[7])");
                ok(Merkle.verifyConsistency(m, 7, roots[m], root, want), "RFC example PROOF(" + m + ", D[7]) verifies");
            }
            group("RFC 9162 7-leaf example");
        }

        // --- exhaustive n = 1..64 ---
        private void exhaustive() {
            int incl = 0, cons = 0;
            for (int n = 1; n <= 64; n++) {
                byte[][] lh = new byte[n][];
                for (int x = 0; x < n; x++) lh[x] = H.leafHash(("leaf-" + x).getBytes(StandardCharsets.UTF_8));
                List<byte[]> L = Arrays.asList(lh);
                Tree t = new Tree(lh);
                byte[][] roots = Merkle.compactRoots(lh);
                for (int s = 0; s <= n; s++) {
                    byte[] nv = Merkle.naiveMth(L.subList(0, s));
                    ok(Arrays.equals(nv, t.mth(0, s)) && Arrays.equals(nv, roots[s]), "roots agree n=" + n + " s=" + s);
                }
                for (int m = 0; m < n; m++) {
                    incl++;
                    List<byte[]> p = t.path(m, n);
                    ok(H.samePath(p, Merkle.naivePath(m, L)), "PATH tile == naive m=" + m + " n=" + n);
                    ok(Merkle.verifyInclusion(m, n, lh[m], p, roots[n]), "PATH verifies m=" + m + " n=" + n);
                    if (m > 0) ok(!Merkle.verifyInclusion(m - 1, n, lh[m], p, roots[n]), "wrong index m-1 rejected m=" + m + " n=" + n);
                    ok(!Merkle.verifyInclusion(m + 1, n, lh[m], p, roots[n]), "wrong index m+1 rejected m=" + m + " n=" + n);
                    ok(!Merkle.verifyInclusion(m, 2L * n, lh[m], p, roots[n]), "wrong size (x2) rejected m=" + m + " n=" + n);
                    if (n > 1) ok(!Merkle.verifyInclusion(m, n / 2, lh[m], p, roots[n]), "wrong size (/2) rejected m=" + m + " n=" + n);
                    byte[] badLeaf = lh[m].clone();
                    badLeaf[31] ^= 1;
                    ok(!Merkle.verifyInclusion(m, n, badLeaf, p, roots[n]), "flipped leaf rejected m=" + m + " n=" + n);
                    for (int q = 0; q < p.size(); q++) {
                        List<byte[]> bad = new ArrayList<>(p);
                        byte[] x = bad.get(q).clone();
                        x[q % 32] ^= (byte) (1 << (q % 8));
                        bad.set(q, x);
                        ok(!Merkle.verifyInclusion(m, n, lh[m], bad, roots[n]), "flipped bit rejected m=" + m + " n=" + n + " q=" + q);
                    }
                    if (!p.isEmpty()) ok(!Merkle.verifyInclusion(m, n, lh[m], p.subList(0, p.size() - 1), roots[n]), "truncated path rejected");
                    List<byte[]> longer = new ArrayList<>(p);
                    longer.add(roots[n]);
                    ok(!Merkle.verifyInclusion(m, n, lh[m], longer, roots[n]), "extended path rejected m=" + m + " n=" + n);
                }
                for (int m = 1; m < n; m++) {
                    cons++;
                    List<byte[]> p = t.proof(m, n);
                    ok(H.samePath(p, Merkle.naiveProof(m, L)), "PROOF tile == naive m=" + m + " n=" + n);
                    ok(Merkle.verifyConsistency(m, n, roots[m], roots[n], p), "PROOF verifies m=" + m + " n=" + n);
                    ok(!p.isEmpty() && p.size() <= 64 - Long.numberOfLeadingZeros(n - 1) + 1, "PROOF length bound m=" + m + " n=" + n);
                    for (int q = 0; q < p.size(); q++) {
                        List<byte[]> bad = new ArrayList<>(p);
                        byte[] x = bad.get(q).clone();
                        x[(q * 7) % 32] ^= (byte) (1 << (q % 8));
                        bad.set(q, x);
                        ok(!Merkle.verifyConsistency(m, n, roots[m], roots[n], bad), "flipped bit rejected (consistency) m=" + m + " n=" + n + " q=" + q);
                    }
                    ok(!Merkle.verifyConsistency(m, n, roots[m], roots[n], hl()), "empty consistency rejected m=" + m + " n=" + n);
                    ok(!Merkle.verifyConsistency(m, n, roots[n], roots[m], p), "swapped roots rejected m=" + m + " n=" + n);
                    if (m + 1 < n) ok(!Merkle.verifyConsistency(m + 1, n, roots[m + 1], roots[n], p), "wrong first size rejected m=" + m + " n=" + n);
                    if (H.isPow2(m)) {
                        List<byte[]> withFirst = new ArrayList<>();
                        withFirst.add(roots[m]);
                        withFirst.addAll(p);
                        ok(!Merkle.verifyConsistency(m, n, roots[m], roots[n], withFirst), "pow2 proof with old root prepended rejected m=" + m + " n=" + n);
                    }
                }
                ok(Merkle.verifyConsistency(n, n, roots[n], roots[n], t.proof(n, n)), "PROOF(n,n) empty verifies n=" + n);
                ok(Merkle.verifyConsistency(0, n, H.EMPTY_ROOT, roots[n], t.proof(0, n)), "PROOF(0,n) empty verifies n=" + n);
            }
            out.println("  (exhaustive n=1..64: " + incl + " inclusion cases, " + cons + " consistency cases)");
            group("exhaustive n=1..64");
        }

        // --- signed notes ---
        static final String SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        static final String SPEC_NOTE = "This is an example message.\n\n"
                + "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        static final String GO_NOTE = "If you think cryptography is the answer to your problem,\n"
                + "then you don't know what your problem is.\n\n"
                + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        static final String SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
        static final String SUMDB_NOTE = "go.sum database tree\n13485\n/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=\n\n"
                + "\u2014 sum.golang.org Az3grnQReYTvpCrRxT+w50vixbqBlB/aPS8bL8f8KW4HHP+UjLSXOJgCh4f54n8hO6lrESglzyRXMXnhaWzaeY3zqw8=\n";

        private static byte[] u(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        private boolean verifies(String note, Note.Vkey k) {
            try {
                return Note.verify(Note.parse(u(note)), k).ok();
            } catch (Bad e) {
                return false;
            }
        }

        private boolean parseFails(String note) {
            try {
                Note.parse(u(note));
                return false;
            } catch (Bad e) {
                return true;
            }
        }

        private void notes() throws Exception {
            Note.Vkey spec = Note.parseVkey(SPEC_VKEY);
            ok(spec.name().equals("example.com/foo") && H.hex(spec.keyId()).equals("530d903a"), "spec vkey parses, key id recomputes to 530d903a");
            ok(H.hex(Note.keyId("example.com/foo", (byte) 1, spec.pub())).equals("530d903a"), "spec key id = SHA-256(name||0x0A||0x01||key)[:4]");
            ok(verifies(SPEC_NOTE, spec), "spec example note verifies");
            ok(!verifies(SPEC_NOTE.replace("example message", "exemple message"), spec), "spec note with edited text rejected");
            Note.Vkey go = Note.parseVkey(GO_VKEY);
            ok(H.hex(go.keyId()).equals("c74f20a3"), "Go sumdb/note example vkey key id c74f20a3");
            ok(verifies(GO_NOTE, go), "Go sumdb/note example note verifies");
            ok(!verifies(GO_NOTE, spec), "Go note rejected under the spec key (no known signature)");
            Note.Vkey sum = Note.parseVkey(SUMDB_VKEY);
            ok(H.hex(sum.keyId()).equals("033de0ae"), "sum.golang.org vkey (base64 with '+') parses, key id 033de0ae");
            Note.Checkpoint cp = Note.openCheckpoint(u(SUMDB_NOTE), sum);
            ok(cp.origin().equals("go.sum database tree") && cp.size() == 13485 && cp.extensions().isEmpty(), "sum.golang.org checkpoint opens and parses");
            try {
                Note.parseVkey(SPEC_VKEY.replace("530d903a", "530d903b"));
                ok(false, "vkey with wrong key id rejected");
            } catch (Bad e) {
                ok(true, "");
            }
            try {
                Note.parseVkey("example.com/foo+530d903a+" + H.b64(new byte[32]));
                ok(false, "vkey without type byte rejected");
            } catch (Bad e) {
                ok(true, "");
            }
            // unknown-key handling with a generated key
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pub = rawPub(kp.getPublic());
            String name = "log.example/test";
            byte[] id = Note.keyId(name, (byte) 1, pub);
            Note.Vkey k = Note.parseVkey(name + "+" + H.hex(id) + "+" + H.b64(H.concat(new byte[]{1}, pub)));
            String text = "log.example/test\n3\n" + H.b64(H.sha256(u("r"))) + "\n";
            String good = sigLine(name, id, sign(kp.getPrivate(), u(text)));
            String other = sigLine("witness.example/w1", new byte[]{1, 2, 3, 4}, new byte[72]);
            String sameNameOtherId = sigLine(name, new byte[]{9, 9, 9, 9}, new byte[64]);
            String sameIdOtherName = sigLine("other.example", id, new byte[64]);
            ok(verifies(text + "\n" + good, k), "generated note verifies");
            ok(verifies(text + "\n" + other + good + sameNameOtherId + sameIdOtherName, k), "unknown-key lines (name or id differ) ignored");
            ok(!verifies(text + "\n" + other + sameNameOtherId, k), "only unknown keys: rejected");
            byte[] badSig = sign(kp.getPrivate(), u(text));
            badSig[5] ^= 1;
            ok(!verifies(text + "\n" + sigLine(name, id, badSig), k), "bad signature by the known key rejected");
            ok(!verifies(text + "\n" + good + sigLine(name, id, badSig), k), "a failing known-key signature next to a good one rejected (SHOULD)");
            ok(parseFails(text + good), "missing blank line rejected");
            ok(parseFails(text + "\n" + good.replace("\u2014", "-")), "hyphen instead of em dash rejected");
            ok(parseFails(text + "\n" + good.substring(0, good.length() - 1)), "missing final newline rejected");
            ok(parseFails(text.replace("\n3\n", "\n3\r\n") + "\n" + good), "control character rejected");
            ok(parseFails(text + "\n"), "no signature lines rejected");
            ok(verifies("a\n\nb\n\n" + sigLine(name, id, sign(kp.getPrivate(), u("a\n\nb\n"))), k), "text with empty lines: split at last empty line");
            String lz = "log.example/test\n03\n" + H.b64(H.sha256(u("r"))) + "\n";
            try {
                Note.openCheckpoint(u(lz + "\n" + sigLine(name, id, sign(kp.getPrivate(), u(lz)))), k);
                ok(false, "size with leading zero rejected");
            } catch (Bad e) {
                ok(true, "");
            }
            String shortRoot = "log.example/test\n3\n" + H.b64(new byte[31]) + "\n";
            try {
                Note.openCheckpoint(u(shortRoot + "\n" + sigLine(name, id, sign(kp.getPrivate(), u(shortRoot)))), k);
                ok(false, "31-byte root rejected");
            } catch (Bad e) {
                ok(true, "");
            }
            group("signed-note / checkpoint");
        }

        static byte[] rawPub(PublicKey k) {
            byte[] enc = k.getEncoded();                     // X.509 SPKI: 12-byte prefix + 32-byte key
            return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
        }

        static byte[] sign(PrivateKey k, byte[] msg) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(k);
                s.update(msg);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static String sigLine(String name, byte[] id, byte[] sig) {
            return "\u2014 " + name + " " + H.b64(H.concat(id, sig)) + "\n";
        }

        // --- tlog-proof format ---
        private void tlogProofFormat() throws Exception {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pub = rawPub(kp.getPublic());
            String name = "log.example/tp";
            byte[] id = Note.keyId(name, (byte) 1, pub);
            Note.Vkey k = Note.parseVkey(name + "+" + H.hex(id) + "+" + H.b64(H.concat(new byte[]{1}, pub)));
            int n = 13;
            byte[][] lh = new byte[n][];
            for (int x = 0; x < n; x++) lh[x] = H.leafHash(u("{\"i\":" + x + "}"));
            Tree t = new Tree(lh);
            String text = name + "\n" + n + "\n" + H.b64(t.mth(0, n)) + "\n";
            String cp = text + "\n" + sigLine(name, id, sign(kp.getPrivate(), u(text)));
            for (int i = 0; i < n; i++) {
                for (boolean extra : new boolean[]{false, true}) {
                    StringBuilder sb = new StringBuilder("c2sp.org/tlog-proof@v1\n");
                    if (extra) sb.append("extra ").append(H.b64(u("opaque"))).append('\n');
                    sb.append("index ").append(i).append('\n');
                    for (byte[] h : t.path(i, n)) sb.append(H.b64(h)).append('\n');
                    sb.append('\n').append(cp);
                    Note.TlogProof tp = Note.parseTlogProof(u(sb.toString()));
                    Note.Checkpoint c = Note.openCheckpoint(tp.checkpoint(), k);
                    ok(tp.index() == i && (tp.extra() != null) == extra, "tlog-proof parses i=" + i);
                    ok(Merkle.verifyInclusion(tp.index(), c.size(), lh[i], tp.path(), c.root()), "tlog-proof verifies i=" + i);
                    ok(!Merkle.verifyInclusion(tp.index(), c.size(), lh[(i + 1) % n], tp.path(), c.root()), "tlog-proof wrong leaf rejected i=" + i);
                }
            }
            String[] bad = {
                    "c2sp.org/tlog-proof@v2\nindex 0\n\n" + cp,
                    "c2sp.org/tlog-proof@v1\nindex 01\n\n" + cp,
                    "c2sp.org/tlog-proof@v1\nindex 0\nnot-base64\n\n" + cp,
                    "c2sp.org/tlog-proof@v1\nindex 0\n",
                    "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n" + cp};
            for (String b : bad) {
                try {
                    Note.parseTlogProof(u(b));
                    ok(false, "malformed tlog-proof rejected: " + H.abbrev(b));
                } catch (Bad e) {
                    ok(true, "");
                }
            }
            group("tlog-proof@v1 format");
        }

        // --- JSON / JCS ---
        private void json() throws Exception {
            String[][] canon = {
                    {"{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}"},
                    {"{\"b\":1, \"a\":2}", "{\"a\":2,\"b\":1}"},
                    {"{\"s\":\"\\u00fc\\u20ac\\t\\\"\\/\"}", "{\"s\":\"\u00fc\u20ac\\t\\\"/\"}"},
                    {"{\"n\":-0,\"m\":1E2,\"k\":-12}", "{\"k\":-12,\"m\":100,\"n\":0}"},
                    {"{\"\\u20ac\":1,\"\\r\":2,\"\\ud83d\\ude00\":3,\"\\ufb33\":4,\"1\":5}", "{\"\\r\":2,\"1\":5,\"\u20ac\":1,\"\ud83d\ude00\":3,\"\ufb33\":4}"},
                    {"{\"c\":\"\\u001f\"}", "{\"c\":\"\\u001f\"}"}};
            for (String[] c : canon) ok(Json.jcs(Json.parse(c[0])).equals(c[1]), "JCS " + c[0]);
            try {
                Json.jcs(Json.parse("{\"f\":1.5}"));
                ok(false, "fraction reported as not checkable");
            } catch (Json.Unsupported e) {
                ok(true, "");
            }
            String[] badJson = {"{\"a\":1,\"a\":2}", "{\"a\":01}", "[1,]", "{\"a\":\"\t\"}", "{} x"};
            for (String b : badJson) {
                try {
                    Json.parse(b);
                    ok(false, "bad JSON rejected: " + b);
                } catch (Bad e) {
                    ok(true, "");
                }
            }
            group("JSON / RFC 8785");
        }

        // --- end-to-end against an in-process mock of the HTTP contract ---
        private void mockServer() throws Exception {
            List<Integer> fib = List.of(1, 2, 3, 5, 8, 13, 21, 34, 37);
            scenario("clean n=37", 37, fib, Set.of(), null);
            scenario("clean n=0 (empty log)", 0, List.of(), Set.of(), null);
            scenario("clean n=1", 1, List.of(1), Set.of(), null);
            scenario("unknown cosignature + extra line", 37, fib, Set.of("unknown-cosig", "tlog-extra"), null);
            List<Integer> hundreds = new ArrayList<>();
            for (int s = 100; s <= 2100; s += 100) hundreds.add(s);
            hundreds.add(2101);
            scenario("clean n=2101 (sampled)", 2101, hundreds, Set.of(), null);
            scenario("grows during the run", 37, fib, Set.of("grow"), null);
            String[][] tampers = {
                    {"vkey-id", "FAIL vkey"},
                    {"origin", "FAIL checkpoint origin"},
                    {"entry-bytes", "FAIL entry[3] single-entry bytes differ"},
                    {"ndjson-line", "FAIL inclusion[index=7"},
                    {"noncanonical", "FAIL entry[4] is not RFC 8785"},
                    {"cp-badsig", "FAIL checkpoints/8 not a validly signed"},
                    {"cp-wrongroot", "FAIL checkpoints/13 root"},
                    {"cp-missing-latest", "FAIL checkpoints/37 404"},
                    {"inclusion-swap", "FAIL inclusion[index=5,size=37] path differs"},
                    {"inclusion-leafhash", "FAIL inclusion[index=2,size=37] leafHash"},
                    {"consistency-pow2", "FAIL consistency[from=4,to=37] path differs"},
                    {"consistency-from0", "FAIL consistency[from=0,to=37] path must be empty"},
                    {"tlogproof-index", "FAIL tlog-proof[index=0] index line"},
                    {"tlogproof-path", "FAIL tlog-proof[index=9] inclusion"},
                    {"past-tree-400", "FAIL probe GET /ledger/proof/inclusion?index=0&size=38"},
                    {"problem-ctype", "expected application/problem+json"},
                    {"rollback", "FAIL latest-again"}};
            for (String[] t : tampers) scenario("tamper " + t[0], 37, fib, Set.of(t[0]), t[1]);
            group("end-to-end vs mock server");
        }

        private void scenario(String label, int n, List<Integer> cps, Set<String> tamper, String expectFail) throws Exception {
            MockLog log = new MockLog(n, cps, tamper);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int failures;
            try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                failures = new Verifier(log.url(), ps).run();
            } finally {
                log.stop();
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            boolean good = expectFail == null ? failures == 0 : failures > 0 && text.contains(expectFail);
            ok(good, "scenario '" + label + "' (" + failures + " failures; expected " + (expectFail == null ? "none" : "'" + expectFail + "'") + ")");
            if (!good) out.println(text.replaceAll("(?m)^", "    | "));
            else out.println("  scenario " + label + ": " + (expectFail == null ? "passes, as it should" : "detected (" + failures + " FAIL lines)"));
        }
    }

    // =====================================================================================
    // Mock of the HTTP contract (self-test only; uses this file's own Merkle code)
    // =====================================================================================

    static final class MockLog {
        final int n;
        final byte[][] entries;
        final byte[][] lh;
        final Tree tree;
        final byte[][] roots;
        final TreeSet<Integer> cps;
        final Set<String> tamper;
        final KeyPair kp;
        final String name = "mock.hazledger.example/log";
        final byte[] pub, keyId;
        final HttpServer server;
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        int checkpointCalls = 0;
        MockLog grown;   // a longer log for the "grow" scenario

        MockLog(int n, Collection<Integer> cps, Set<String> tamper) throws Exception {
            this(n, cps, tamper, null);
        }

        private MockLog(int n, Collection<Integer> cps, Set<String> tamper, KeyPair key) throws Exception {
            this.n = n;
            this.tamper = tamper;
            this.cps = new TreeSet<>(cps);
            this.kp = key != null ? key : KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            pub = SelfTest.rawPub(kp.getPublic());
            keyId = Note.keyId(name, (byte) 1, pub);
            int total = tamper.contains("grow") && key == null ? n + 5 : n;
            entries = new byte[total][];
            for (int i = 0; i < total; i++) entries[i] = entry(i);
            if (tamper.contains("noncanonical") && total > 4) entries[4] = ("{\"i\": 4}").getBytes(StandardCharsets.UTF_8);
            byte[][] all = new byte[total][];
            for (int i = 0; i < total; i++) all[i] = H.leafHash(entries[i]);
            lh = Arrays.copyOf(all, n);
            tree = new Tree(lh);
            roots = Merkle.compactRoots(lh);
            if (key == null && tamper.contains("grow")) {
                Set<Integer> more = new TreeSet<>(cps);
                more.add(total);
                grown = new MockLog(total, more, Set.of(), kp);
            }
            if (key == null) {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/", this::handle);
                server.setExecutor(pool);
                server.start();
            } else {
                server = null;
            }
        }

        static byte[] entry(int i) {
            String s = i % 3 == 0
                    ? "{\"i\":" + i + ",\"kind\":\"weigh\",\"massG\":" + (1000 + i) + ",\"note\":\"drum \u00fc\u20ac #" + i + "\",\"v\":1}"
                    : i % 3 == 1
                    ? "{\"i\":" + i + ",\"kind\":\"gate\",\"plate\":\"\u7ca4B\u00b7" + i + "\",\"q\":\"a\\\"b\\tc\"}"
                    : "{\"a\":[1,2,{\"y\":true,\"z\":null}],\"i\":" + i + ",\"kind\":\"scan\"}";
            return s.getBytes(StandardCharsets.UTF_8);
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
            pool.shutdownNow();
        }

        byte[] note(int size) {
            String origin = tamper.contains("origin") ? name + "-other" : name;
            byte[] root = roots[size];
            if (tamper.contains("cp-wrongroot") && size == 13) root = roots[12];
            String text = origin + "\n" + size + "\n" + H.b64(root) + "\n";
            byte[] sig = SelfTest.sign(kp.getPrivate(), text.getBytes(StandardCharsets.UTF_8));
            if (tamper.contains("cp-badsig") && size == 8) sig[10] ^= 4;
            StringBuilder sb = new StringBuilder(text).append('\n');
            if (tamper.contains("unknown-cosig")) sb.append(SelfTest.sigLine("witness.example/w1", new byte[]{1, 2, 3, 4}, new byte[72]));
            sb.append(SelfTest.sigLine(name, keyId, sig));
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        private static final Pattern DEC = Pattern.compile("0|[1-9][0-9]{0,9}");

        private static long num(String s) {
            return s != null && DEC.matcher(s).matches() ? Long.parseLong(s) : -1;
        }

        private void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }

        private void send(HttpExchange ex, int status, String type, String body) throws IOException {
            send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
        }

        private void problem(HttpExchange ex, int status, String detail) throws IOException {
            if (status == 400 && tamper.contains("problem-ctype")) {
                send(ex, 400, "application/json", "{\"error\":\"" + detail + "\"}");
                return;
            }
            send(ex, status, "application/problem+json",
                    "{\"type\":\"about:blank\",\"status\":" + status + ",\"title\":\"" + (status == 400 ? "Bad Request" : "Not Found")
                            + "\",\"detail\":\"" + detail + "\"}");
        }

        private static String json(long a, String ka, long b, String kb, byte[] leaf, List<byte[]> path) {
            StringBuilder sb = new StringBuilder("{\"").append(ka).append("\":").append(a).append(",\"").append(kb).append("\":").append(b);
            if (leaf != null) sb.append(",\"leafHash\":\"").append(H.b64(leaf)).append('"');
            sb.append(",\"path\":[");
            for (int i = 0; i < path.size(); i++) sb.append(i == 0 ? "" : ",").append('"').append(H.b64(path.get(i))).append('"');
            return sb.append("]}").toString();
        }

        private void handle(HttpExchange ex) throws IOException {
            try {
                route(ex);
            } catch (Exception e) {
                send(ex, 500, "text/plain", "internal error");
            } finally {
                ex.close();
            }
        }

        private void route(HttpExchange ex) throws IOException {
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> q = new HashMap<>();
            String rq = ex.getRequestURI().getRawQuery();
            if (rq != null) {
                for (String kv : rq.split("&")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String textPlain = "text/plain; charset=utf-8";
            if (path.equals("/ledger/checkpoint")) {
                checkpointCalls++;
                if (grown != null && checkpointCalls > 1) {
                    send(ex, 200, textPlain, grown.note(grown.n));
                } else if (tamper.contains("rollback") && checkpointCalls > 1 && n > 1) {
                    send(ex, 200, textPlain, note(n - 1));
                } else {
                    send(ex, 200, textPlain, note(n));
                }
            } else if (path.startsWith("/ledger/checkpoints/")) {
                long s = num(path.substring("/ledger/checkpoints/".length()));
                if (s < 0) problem(ex, 400, "bad size");
                else if (s <= n && cps.contains((int) s) && !(tamper.contains("cp-missing-latest") && s == n)) send(ex, 200, textPlain, note((int) s));
                else problem(ex, 404, "no checkpoint at that size");
            } else if (path.equals("/ledger/vkey")) {
                byte[] id = keyId.clone();
                if (tamper.contains("vkey-id")) id[0] ^= 1;
                send(ex, 200, textPlain, name + "+" + H.hex(id) + "+" + H.b64(H.concat(new byte[]{1}, pub)) + "\n");
            } else if (path.startsWith("/ledger/entries/")) {
                long i = num(path.substring("/ledger/entries/".length()));
                if (i < 0) problem(ex, 400, "bad index");
                else if (i >= n) problem(ex, 404, "past the tree");
                else {
                    byte[] e = entries[(int) i];
                    if (tamper.contains("entry-bytes") && i == 3) e = H.concat(e, new byte[]{' '});
                    send(ex, 200, "application/json", e);
                }
            } else if (path.equals("/ledger/entries")) {
                long st = num(q.get("start")), lim = num(q.get("limit"));
                if (st < 0 || lim < 1 || lim > 1000) problem(ex, 400, "bad start/limit");
                else if (st >= n) problem(ex, 404, "past the tree");
                else {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (long i = st; i < Math.min(n, st + lim); i++) {
                        byte[] e = entries[(int) i];
                        if (tamper.contains("ndjson-line") && i == 7) e = H.concat(e, new byte[]{' '});
                        b.write(e);
                        b.write('\n');
                    }
                    send(ex, 200, "application/x-ndjson", b.toByteArray());
                }
            } else if (path.equals("/ledger/proof/inclusion")) {
                long i = num(q.get("index")), s = num(q.get("size"));
                if (i < 0 || s < 0) problem(ex, 400, "bad index/size");
                else if (s > n) problem(ex, tamper.contains("past-tree-400") ? 400 : 404, "past the tree");
                else if (i >= s) problem(ex, 404, "index not in tree of that size");
                else {
                    List<byte[]> p = new ArrayList<>(tree.path(i, s));
                    if (tamper.contains("inclusion-swap") && i == 5 && p.size() > 1) java.util.Collections.reverse(p);
                    byte[] leaf = lh[(int) i];
                    if (tamper.contains("inclusion-leafhash") && i == 2) leaf = lh[3];
                    send(ex, 200, "application/json", json(i, "index", s, "size", leaf, p));
                }
            } else if (path.equals("/ledger/proof/consistency")) {
                long m = num(q.get("from")), s = num(q.get("to"));
                MockLog src = grown != null && s > n ? grown : this;
                if (m < 0 || s < 0) problem(ex, 400, "bad from/to");
                else if (s > src.n) problem(ex, 404, "past the tree");
                else if (m > s) problem(ex, 400, "from > to");
                else {
                    List<byte[]> p = new ArrayList<>(src.tree.proof(m, s));
                    if (tamper.contains("consistency-pow2") && H.isPow2(m) && m < s) p.add(0, roots[(int) m]);
                    if (tamper.contains("consistency-from0") && m == 0 && s > 0) p.add(roots[(int) s]);
                    send(ex, 200, "application/json", json(m, "from", s, "to", null, p));
                }
            } else if (path.equals("/ledger/tlog-proof")) {
                long i = num(q.get("index"));
                MockLog src = grown != null ? grown : this;   // "grow": bundles carry the newer checkpoint
                if (i < 0) problem(ex, 400, "bad index");
                else if (i >= n) problem(ex, 404, "past the tree");
                else {
                    StringBuilder sb = new StringBuilder("c2sp.org/tlog-proof@v1\n");
                    if (tamper.contains("tlog-extra")) sb.append("extra ").append(H.b64("ctx".getBytes(StandardCharsets.UTF_8))).append('\n');
                    sb.append("index ").append(tamper.contains("tlogproof-index") && i == 0 ? 1 : i).append('\n');
                    List<byte[]> p = new ArrayList<>(src.tree.path(i, src.n));
                    if (tamper.contains("tlogproof-path") && i == 9 && !p.isEmpty()) {
                        byte[] x = p.get(0).clone();       // never mutate the tree's own node arrays
                        x[0] ^= 1;
                        p.set(0, x);
                    }
                    for (byte[] h : p) sb.append(H.b64(h)).append('\n');
                    sb.append('\n');
                    byte[] body = H.concat(sb.toString().getBytes(StandardCharsets.UTF_8), src.note(src.n));
                    send(ex, 200, textPlain, body);
                }
            } else {
                problem(ex, 404, "no such route");
            }
        }
    }
}
