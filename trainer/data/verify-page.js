// trainer certificate verification page. Runs entirely in the browser: nothing is fetched
// or sent anywhere. Every rule below mirrors trainer/certificates/payload.py (decode_token,
// canonical_json, CertificatePayload.from_dict) and verify.py (verify_token), step by step:
//
//   Python (payload.py / verify.py)            here
//   clean_token: drop all whitespace           cleanToken
//   len > MAX_TOKEN_CHARS -> too long          decodeToken
//   3 parts, prefix TRC1                       decodeToken
//   b64url_decode (alphabet, len % 4 != 1)     b64urlDecode
//   signature is 64 bytes                      decodeToken
//   canonical base64url (re-encode matches)    decodeToken
//   raw inflate with ZDICT, <= 64 KiB, no tail inflateLimited
//   bounded JSON (depth, digit runs)           checkJsonBounds
//   UTF-8 JSON; canonical re-encoding equals   canonicalJson
//   from_dict: exact fields and types          payloadFromDict
//   Ed25519 over the canonical bytes           verifySignature
//   claimed key fingerprint = signing key      verifyToken
//   valid_until < today -> EXPIRED             verifyToken
//
// All text from a token is put on the page with textContent, never as markup.
"use strict";
(function () {
  const CONFIG = JSON.parse(document.getElementById("trainer-config").textContent);
  const L = CONFIG.limits;
  const ZDICT = new TextEncoder().encode(CONFIG.zdict);
  const PREFIX = CONFIG.prefix;
  const B64URL = /^[A-Za-z0-9_-]*$/;
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const SHA256 = /^[0-9a-f]{64}$/;
  const TOKEN_IN_TEXT = /TRC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

  class Fail extends Error {}

  // ---- decoding (payload.py) ----------------------------------------------------------
  function cleanToken(text) {
    return text.split(/\s+/).join("");
  }

  function b64urlEncode(bytes) {
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function b64urlDecode(text) {
    if (!B64URL.test(text) || text.length % 4 === 1) throw new Fail("not valid base64url");
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    let bin;
    try {
      bin = atob(padded);
    } catch (e) {
      throw new Fail("not valid base64url");
    }
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }

  function inflateLimited(bytes) {
    const inf = new pako.Inflate({ raw: true, dictionary: ZDICT, chunkSize: 16384 });
    const chunks = [];
    let total = 0;
    inf.onData = (chunk) => {
      total += chunk.length;
      if (total > L.max_payload_bytes) throw new Fail("payload is too large");
      chunks.push(chunk);
    };
    try {
      inf.push(bytes, true);
    } catch (e) {
      if (e instanceof Fail) throw e;
      throw new Fail("payload does not decompress (token damaged)");
    }
    if (inf.err && !inf.ended) throw new Fail("payload does not decompress (token damaged)");
    if (!inf.ended || inf.strm.avail_in > 0) {
      throw new Fail("payload is truncated or has trailing data (token damaged)");
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  function checkJsonBounds(text) {
    let depth = 0;
    let digits = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{" || c === "[") {
        if (++depth > L.max_json_depth) {
          throw new Fail(`payload JSON is nested more than ${L.max_json_depth} levels deep`);
        }
      } else if (c === "}" || c === "]") depth--;
      if (c >= "0" && c <= "9") {
        if (++digits > L.max_int_digits) {
          throw new Fail(`payload holds a number of more than ${L.max_int_digits} digits`);
        }
      } else digits = 0;
    }
  }

  function normalise(value, where) {
    if (typeof value === "string") return value.normalize("NFC");
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new Fail(`${where}: only strings and integers are allowed`);
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => normalise(v, `${where}[${i}]`));
    if (value !== null && typeof value === "object") {
      const out = {};
      for (const key of Object.keys(value)) out[key.normalize("NFC")] = normalise(value[key], `${where}.${key}`);
      return out;
    }
    throw new Fail(`${where}: only strings and integers are allowed, got ${JSON.stringify(value)}`);
  }

  function sortedStringify(value) {
    if (Array.isArray(value)) return "[" + value.map(sortedStringify).join(",") + "]";
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return "{" + keys.map((k) => JSON.stringify(k) + ":" + sortedStringify(value[k])).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function canonicalJson(value) {
    return new TextEncoder().encode(sortedStringify(normalise(value, "payload")));
  }

  const PAYLOAD_FIELDS = [
    "certificate_id", "certificate_title", "completed", "course_id", "course_title",
    "course_version", "format", "issued", "issuer", "key_fingerprint", "learner", "modules",
    "organisation", "role", "valid_until",
  ];
  const MODULE_FIELDS = ["id", "score", "sha256", "title", "version"];

  function checkFields(data, expected, where) {
    const keys = Object.keys(data);
    const missing = expected.filter((k) => !keys.includes(k)).sort();
    const extra = keys.filter((k) => !expected.includes(k)).sort();
    if (missing.length) throw new Fail(`${where} is missing ${missing.join(", ")}`);
    if (extra.length) throw new Fail(`${where} has unknown field(s) ${extra.join(", ")}`);
  }

  function needStr(data, name, where) {
    if (typeof data[name] !== "string") throw new Fail(`${where}.${name} must be a string`);
    return data[name];
  }

  function isRealDate(text) {
    const [y, m, d] = text.split("-").map(Number);
    const dt = new Date(Date.UTC(y, m - 1, d));
    return y >= 1 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }

  function payloadFromDict(data) {
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new Fail("payload is not a JSON object");
    }
    if (data.format !== L.payload_format) {
      throw new Fail(`unsupported payload format ${JSON.stringify(data.format)} (this page reads ${L.payload_format})`);
    }
    checkFields(data, PAYLOAD_FIELDS, "payload");
    const p = {};
    for (const name of PAYLOAD_FIELDS) {
      if (name !== "modules" && name !== "format") p[name] = needStr(data, name, "payload");
    }
    if (!Array.isArray(data.modules) || data.modules.length === 0) {
      throw new Fail("payload.modules must be a non-empty list");
    }
    p.modules = data.modules.map((raw, i) => {
      const where = `payload.modules[${i}]`;
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Fail(`${where} is not an object`);
      checkFields(raw, MODULE_FIELDS, where);
      if (!Number.isInteger(raw.score) || raw.score < 0 || raw.score > 100) {
        throw new Fail(`${where}.score must be an integer 0-100`);
      }
      const digest = needStr(raw, "sha256", where);
      if (!SHA256.test(digest)) throw new Fail(`${where}.sha256 must be 64 lowercase hex digits`);
      return {
        id: needStr(raw, "id", where), title: needStr(raw, "title", where),
        version: needStr(raw, "version", where), score: raw.score, sha256: digest,
      };
    });
    for (const name of ["completed", "valid_until", "issued"]) {
      if (!DATE.test(p[name])) throw new Fail(`payload.${name} must be an ISO date (YYYY-MM-DD)`);
      if (!isRealDate(p[name])) throw new Fail(`payload.${name}: not a real date`);
    }
    p.format = data.format;
    return p;
  }

  function decodeToken(input) {
    const token = cleanToken(input);
    if (token.length > L.max_token_chars) throw new Fail("token is too long");
    const parts = token.split(".");
    if (parts.length !== 3 || parts[0] !== PREFIX) {
      throw new Fail(`not a certificate token (expected ${PREFIX}.<payload>.<signature>)`);
    }
    const compressed = b64urlDecode(parts[1]);
    const signature = b64urlDecode(parts[2]);
    if (signature.length !== L.signature_bytes) {
      throw new Fail(`signature is ${signature.length} bytes, expected ${L.signature_bytes}`);
    }
    if (b64urlEncode(compressed) !== parts[1] || b64urlEncode(signature) !== parts[2]) {
      throw new Fail("non-canonical base64url in token");
    }
    const raw = inflateLimited(compressed);
    let text;
    let data;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch (e) {
      throw new Fail("payload is not UTF-8 JSON");
    }
    checkJsonBounds(text);
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Fail("payload is not UTF-8 JSON");
    }
    let canonical;
    try {
      canonical = canonicalJson(data);
    } catch (e) {
      if (e instanceof Fail) throw new Fail(`payload is not canonical: ${e.message}`);
      throw e;
    }
    if (canonical.length !== raw.length || canonical.some((b, i) => b !== raw[i])) {
      throw new Fail("payload is not in canonical form (sorted keys, NFC, no whitespace)");
    }
    return { raw, signature, payload: payloadFromDict(data) };
  }

  // ---- verification (verify.py) -------------------------------------------------------
  async function verifySignature(keyB64, signature, data) {
    const key = await crypto.subtle.importKey("raw", b64urlDecode(keyB64), { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, data);
  }

  function todayIso() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  async function verifyToken(token) {
    const result = { payload: null, failures: [], notes: [], signatureOk: false, expired: false, key: null };
    let decoded;
    try {
      decoded = decodeToken(token);
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      result.failures.push(`the token is damaged or not a certificate token: ${e.message}`);
      return result;
    }
    result.payload = decoded.payload;
    const claimed = decoded.payload.key_fingerprint;
    const ordered = CONFIG.keys.slice().sort((a, b) => (b.fingerprint === claimed) - (a.fingerprint === claimed));
    for (const key of ordered) {
      if (await verifySignature(key.raw, decoded.signature, decoded.raw)) {
        result.signatureOk = true;
        result.key = key;
        break;
      }
    }
    if (!result.signatureOk) {
      const known = CONFIG.keys.some((k) => k.fingerprint === claimed);
      result.failures.push(known
        ? "signature check failed: the certificate's contents were changed after signing, or the signature was altered"
        : `signature check failed: the certificate names issuer key ${claimed}, which is not one of the keys this page trusts`);
      return result;
    }
    if (claimed !== result.key.fingerprint) {
      result.failures.push(`the certificate claims issuer key ${claimed}, but was signed with key ${result.key.fingerprint}`);
    }
    const today = todayIso();
    if (decoded.payload.valid_until < today) {
      result.expired = true;
      result.notes.push(`expired on ${decoded.payload.valid_until} (today is ${today})`);
    }
    return result;
  }

  function verdictOf(r) {
    if (r.signatureOk && !r.failures.length && !r.expired) return "VALID";
    if (r.signatureOk && !r.failures.length && r.expired) return "EXPIRED";
    return "INVALID";
  }

  // ---- showing the result -------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  function displayFields(p) {
    const rows = [
      ["Payload format", String(p.format)], ["Certificate ID", p.certificate_id],
      ["Learner", p.learner], ["Organisation", p.organisation], ["Role", p.role],
      ["Certificate title", p.certificate_title], ["Course", `${p.course_title} (id ${p.course_id})`],
      ["Course version", p.course_version], ["Completed", p.completed],
      ["Valid until", p.valid_until], ["Issued", p.issued], ["Issuer", p.issuer],
      ["Issuer key fingerprint", p.key_fingerprint],
    ];
    p.modules.forEach((m, i) => rows.push([
      `Module ${i + 1}`, `${m.title} (id ${m.id}, version ${m.version}): ${m.score}%  sha256 ${m.sha256}`,
    ]));
    return rows;
  }

  const VERDICT_TEXT = {
    VALID: "✓ VALID — the signature covers every field below. Compare the name, course and dates with the paper.",
    EXPIRED: "⚠ EXPIRED — the signature is genuine, but the valid-until date has passed.",
    INVALID: "✗ INVALID — do not accept this certificate.",
  };

  function show(result, source) {
    const verdict = verdictOf(result);
    const box = $("result");
    box.hidden = false;
    box.dataset.verdict = verdict;
    $("verdict").textContent = VERDICT_TEXT[verdict];
    $("source").textContent = source;
    $("key-used").textContent = result.key
      ? `Verified with: ${result.key.label} (fingerprint ${result.key.fingerprint})`
      : "No trusted key verified this certificate.";
    const list = $("problems");
    list.replaceChildren();
    for (const f of result.failures) list.append(item(`FAILED: ${f}`));
    for (const n of result.notes) list.append(item(`Note: ${n}`));
    $("problems-heading").hidden = list.childElementCount === 0;
    const fields = $("fields");
    fields.replaceChildren();
    $("fields-heading").textContent = result.signatureOk
      ? "Certificate fields (signed)"
      : "Certificate fields as CLAIMED (NOT verified)";
    $("fields-heading").hidden = !result.payload;
    if (result.payload) {
      for (const [label, value] of displayFields(result.payload)) {
        const dt = document.createElement("dt");
        const dd = document.createElement("dd");
        dt.textContent = label;
        dd.textContent = value;
        fields.append(dt, dd);
      }
    }
    $("verdict").focus();
  }

  function item(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }

  function showUnreadable(message, source) {
    show({ payload: null, failures: [message], notes: [], signatureOk: false, expired: false, key: null }, source);
  }

  async function check(token, source) {
    if (!(crypto && crypto.subtle)) {
      showUnreadable("this browser cannot check signatures here (no WebCrypto); use `trainer verify`", source);
      return;
    }
    try {
      show(await verifyToken(token), source);
    } catch (e) {
      const why = e && e.name === "NotSupportedError"
        ? "this browser cannot check Ed25519 signatures; use a current browser or `trainer verify`"
        : `the certificate could not be checked (${e && e.message ? e.message : e})`;
      showUnreadable(why, source);
    }
  }

  function tokenFromText(text) {
    const at = text.indexOf("#" + PREFIX + ".");
    return at >= 0 ? text.slice(at + 1) : text;
  }

  async function checkPdf(file) {
    if (file.size > L.max_input_bytes) {
      showUnreadable("the file is too large for a certificate", `PDF ${file.name}`);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    let text = "";
    for (let i = 0; i < bytes.length; i += 65536) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 65536));
    }
    if (!text.startsWith("%PDF-")) {
      showUnreadable("this file is not a PDF", `file ${file.name}`);
      return;
    }
    const found = Array.from(new Set(text.match(TOKEN_IN_TEXT) || []));
    if (found.length === 0) {
      showUnreadable("no certificate token found in this PDF's metadata; type the token printed on the page", `PDF ${file.name}`);
    } else if (found.length > 1) {
      showUnreadable("this PDF holds more than one certificate token (it was altered or assembled from two certificates)", `PDF ${file.name}`);
    } else {
      await check(found[0], `PDF ${file.name} (token read from its metadata)`);
    }
  }

  // ---- wiring -------------------------------------------------------------------------
  function keyList() {
    const ul = $("keys");
    for (const k of CONFIG.keys) ul.append(item(`${k.label}: ${k.fingerprint}`));
  }

  document.addEventListener("DOMContentLoaded", () => {
    keyList();
    $("token-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      check(tokenFromText($("token").value), "typed or pasted token");
    });
    $("pdf").addEventListener("change", () => {
      const f = $("pdf").files[0];
      if (f) checkPdf(f);
    });
    const zone = $("drop");
    zone.addEventListener("dragover", (ev) => ev.preventDefault());
    zone.addEventListener("drop", (ev) => {
      ev.preventDefault();
      const f = ev.dataTransfer.files[0];
      if (f) checkPdf(f);
    });
    const hash = location.hash.slice(1);
    if (hash.startsWith(PREFIX + ".")) {
      $("token").value = hash;
      check(hash, "the link you opened (the token was in the address after #, which is never sent to any server)");
    }
  });
})();
