/**
 * The smoke Job's script: what the runbook has a person do by hand from the centos Pod
 * ("curl 100.64.2.4", then "curl www.superman.com  # This should be blocked by F/W").
 *
 * It is POSIX sh, written for busybox ash (the curl image's /bin/sh) and checked with dash and
 * busybox by __tests__/smoke/smoke-script.spec.ts, which runs the copy extracted from the
 * synthesized Job against local HTTP servers.
 *
 * Inline in the Job (`sh -c`), not in a ConfigMap: one object to apply and delete, no volume, and
 * the script that ran is the one in the Job's immutable spec. The price: kubelet expands
 * `$(NAME)` and `$$` in `command`, so the script uses neither (a test enforces it).
 */

/** Environment variables the script reads; the URLs never reach the shell as code. */
export const SMOKE_ENV = {
  ingressUrl: 'SMOKE_INGRESS_URL',
  blockedUrl: 'SMOKE_BLOCKED_URL',
  timeoutSeconds: 'SMOKE_TIMEOUT_SECONDS',
} as const;

/**
 * curl exit codes that count as "blocked" when no HTTP answer came back (http_code 000):
 *  7 could not connect (refused, unreachable: a REJECT or no route),
 * 28 timed out (a DROP; Azure Firewall drops what no network rule allows),
 * 35 TLS handshake failed (an https URL denied by SNI is cut during the handshake),
 * 52 empty reply, 55 send failure, 56 receive failure/reset (accepted, then cut before any answer).
 * Not blocked: 6 (DNS failure; DNS does not go through the firewall, so it proves nothing about
 * egress filtering: a typo or broken cluster DNS), 60 (an untrusted certificate: something
 * answered TLS), proxy and URL errors, and anything else: the script fails closed.
 */
export const BLOCKED_CURL_EXIT_CODES: readonly number[] = [7, 28, 35, 52, 55, 56];

/** Largest body read into memory; the script logs only its first bytes anyway. */
export const MAX_BODY_BYTES = 65536;

/** Longest body/URL excerpt in a log line. */
export const LOG_EXCERPT_CHARS = 120;

const { ingressUrl: I, blockedUrl: B, timeoutSeconds: T } = SMOKE_ENV;

// A plain template literal: \${ and \\n below are shell text, not JS interpolation.
export const SMOKE_SCRIPT = `# aks-day2 smoke test. Reads only the environment:
#   ${I}      any HTTP answer passes (the NGINX default backend answers 404)
#   ${B}      passes only if blocked: no connection (curl exit ${BLOCKED_CURL_EXIT_CODES.join(', ')})
#                          or Azure Firewall's HTTP 470 with "Action: Deny" in the body
#   ${T}  curl's connect and total timeout, per request
# One PASS line per passed check. The first failed check prints one FAIL line and exits 1;
# later checks do not run (without a route to the ingress, "blocked" proves nothing).
# Exit 2 with one FAIL line when the environment is incomplete.

nl='
'

pass() { printf 'PASS %s\\n' "$1"; }
fail() { printf 'FAIL %s\\n' "$1"; exit "\${2:-1}"; }

# Printable ASCII on one line, at most ${LOG_EXCERPT_CHARS} characters: bodies and URLs go into a log line.
oneline() { printf '%s' "$1" | head -c 512 | tr -c ' -~' ' ' | tr -s ' ' | cut -c 1-${LOG_EXCERPT_CHARS}; }

[ -n "\${${I}:-}" ] || fail 'config: ${I} is empty' 2
[ -n "\${${B}:-}" ] || fail 'config: ${B} is empty' 2
case \${${T}:-} in
  '' | *[!0-9]* | ?????*) fail "config: ${T} must be a whole number of seconds below 10000, got '$(oneline "\${${T}:-}")'" 2 ;;
esac
[ "$${T}" -gt 0 ] || fail 'config: ${T} must be at least 1' 2

why() {
  case $1 in
    6) r='could not resolve host' ;;
    7) r='could not connect' ;;
    28) r="no answer within \${${T}}s" ;;
    35) r='TLS handshake failed' ;;
    52) r='empty reply' ;;
    55) r='connection broken while sending' ;;
    56) r='connection broken while receiving' ;;
    60) r='TLS certificate not trusted' ;;
    127) r='curl not found' ;;
    *) r='see EXIT CODES in the curl manual' ;;
  esac
  printf 'curl exit %s, %s' "$1" "$r"
}

# request URL: sets code (three digits, 000 when no HTTP answer came back), rc (curl's exit
# code) and body. --disable ignores any .curlrc, --globoff takes [] and {} in the URL literally,
# --max-filesize bounds memory for a big answer.
request() {
  out=$(curl --disable --silent --globoff --proto '=http,https' \\
    --connect-timeout "$${T}" --max-time "$${T}" \\
    --max-filesize ${MAX_BODY_BYTES} --output - --write-out '\\n%{http_code}' --url "$1" 2>/dev/null)
  rc=$?
  code=\${out##*"$nl"}
  body=\${out%"$nl"*}
  case $code in
    [0-9][0-9][0-9]) ;;
    *) code=000 body= ;;
  esac
}

target=$(oneline "$${I}")
request "$${I}"
[ "$code" != 000 ] || fail "ingress $target: no HTTP answer ($(why "$rc"))"
pass "ingress $target: HTTP $code (any HTTP answer passes)"

target=$(oneline "$${B}")
request "$${B}"
if [ "$code" = 000 ]; then
  case $rc in
    ${BLOCKED_CURL_EXIT_CODES.join(' | ')}) pass "blocked $target: no connection ($(why "$rc"))" ;;
    *) fail "blocked $target: not proven blocked ($(why "$rc"))" ;;
  esac
else
  deny=no
  case $body in *'Action: Deny'*) deny=yes ;; esac
  if [ "$code" = 470 ] && [ "$deny" = yes ]; then
    pass "blocked $target: HTTP 470 with Action: Deny (Azure Firewall)"
  else
    fail "blocked $target: reachable, HTTP $code, body: \\"$(oneline "$body")\\""
  fi
fi
exit 0
`;
