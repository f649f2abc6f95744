#!/usr/bin/env bash
# deploy/nginx/kefu.conf in front of two gunicorns, all on loopback, with the production settings
# (DEBUG=0, HTTPS, a self-signed certificate): issue 20 item 6. Needs nginx (apt-get install
# nginx-light). Prints each check and exits non-zero on the first that fails.
#   bash scripts/nginx-loopback-test.sh
set -euo pipefail
export PATH="$PWD/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=config.settings
work=$(mktemp -d /tmp/kefu-nginx.XXXXXX)
chmod 755 "$work"  # nginx's workers (not root) read the static files under it
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
web1=$(free_port); web2=$(free_port); https=$(free_port); http=$(free_port)
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; exit 1; }

export KEFU_VAR_DIR="$work/var" KEFU_STATIC_ROOT="$work/static" DEBUG=0 KEFU_HTTPS=1 \
  SECRET_KEY=$(python -c "import secrets; print(secrets.token_urlsafe(50))") \
  ALLOWED_HOSTS=127.0.0.1,localhost CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$https" \
  SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https KEFU_LOG_FORMAT=json \
  KEFU_ADMIN_USERNAME=ops KEFU_ADMIN_PASSWORD=Vq8#long-enough-pass KEFU_COMPANY_NAME=测试供电公司
mkdir -p "$KEFU_VAR_DIR"
python manage.py migrate --noinput -v 0
python manage.py collectstatic --noinput -v 0
python manage.py create_first_admin --from-env >/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -keyout "$work/kefu.key" -out "$work/kefu.crt" 2>/dev/null
for port in "$web1" "$web2"; do
  gunicorn config.wsgi -c config/gunicorn.conf.py --bind "127.0.0.1:$port" --workers 1 --threads 2 \
    --access-logfile "$work/web-$port.log" --log-level warning &
  pids+=($!)
done
mkdir -p "$work/nginx"
sed -e "s#server 10.0.0.11:8000#server 127.0.0.1:$web1#" -e "s#server 10.0.0.12:8000#server 127.0.0.1:$web2#" \
    -e "s#listen 80;#listen 127.0.0.1:$http;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https ssl http2;#" \
    -e "s#/srv/kefu/app/staticfiles/#$KEFU_STATIC_ROOT/#" -e "s#/etc/ssl/kefu/#$work/#" \
    -e "s#/etc/nginx/kefu-proxy.conf#$PWD/deploy/nginx/kefu-proxy.conf#" deploy/nginx/kefu.conf >"$work/nginx/site.conf"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  include $work/nginx/site.conf;
}
CONF
nginx -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>&1 | grep -v "could not open error log" || true
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g "daemon off;" 2>>"$work/nginx/error.log" &
pids+=($!)
base="https://127.0.0.1:$https"
curl_k() { curl -sk --max-time 10 "$@"; }
for _ in $(seq 1 100); do
  [ "$(curl_k -o /dev/null -w '%{http_code}' "$base/healthz")" = "200" ] && break
  sleep 0.2
done

[ "$(curl_k -o /dev/null -w '%{http_code}' "$base/healthz")" = "200" ] && ok "healthz through nginx over TLS" || fail "healthz"
ready=$(curl_k "$base/readyz")
[[ "$ready" == *'"status": "ok"'* ]] && ok "readyz: $ready" || fail "readyz: $ready"
redirect=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http/accounts/login/")
[[ "$redirect" == "301 https://"* ]] && ok "plain HTTP is redirected to HTTPS ($redirect)" || fail "redirect: $redirect"

css=$(cd "$KEFU_STATIC_ROOT" && ls css/kefu.*.css | grep -E 'kefu\.[0-9a-f]{12}\.css$' | head -1)
headers=$(curl_k -D - -o /dev/null -H 'Accept-Encoding: gzip' "$base/static/$css")
grep -qi '^cache-control: public, max-age=31536000, immutable' <<<"$headers" && grep -qi '^content-encoding: gzip' <<<"$headers" \
  && ok "hashed static file served by nginx, gzip copy, cached a year ($css)" || fail "static headers: $headers"
grep -q "GET /static/" "$work/web-$web1.log" "$work/web-$web2.log" && fail "a static file reached gunicorn" || ok "static files never reach gunicorn"
[ "$(curl_k -o /dev/null -w '%{http_code}' "$base/media/tickets/2026/01/x.jpg")" = "404" ] && ok "no public /media/" || fail "/media/ answered"

jar="$work/cookies"
page=$(curl_k -c "$jar" -b "$jar" "$base/accounts/login/")
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
login=$(curl_k -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' -H "Referer: $base/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=ops" --data-urlencode "password=Vq8#long-enough-pass" \
  "$base/accounts/login/")
[[ "$login" == 302* ]] && ok "login through nginx (secure cookies, CSRF behind the proxy): $login" || fail "login: $login"
for _ in $(seq 1 10); do
  code=$(curl_k -b "$jar" -o /dev/null -w '%{http_code}' "$base/")
  [ "$code" = "200" ] || fail "workbench answered $code"
done
ok "the session holds on either web process (10 workbench pages)"
one=$(grep -c 'GET / HTTP' "$work/web-$web1.log" || true); two=$(grep -c 'GET / HTTP' "$work/web-$web2.log" || true)
[ "$one" -gt 0 ] && [ "$two" -gt 0 ] && ok "requests spread over both gunicorns ($one and $two of 10)" || fail "one gunicorn got everything ($one/$two)"
rid=$(curl_k -D - -o /dev/null "$base/healthz" | awk -F': ' 'tolower($1)=="x-request-id" {print $2}' | tr -d '\r')
[[ "$rid" =~ ^[0-9a-f]{32}$ ]] && ok "nginx's \$request_id is Kefu's X-Request-ID ($rid)" || fail "request id: $rid"
echo "all checks passed"
