#!/usr/bin/env bash
# Installs CCHC on a Debian-family host as docs/operations.md describes (PostgreSQL, gunicorn,
# the worker, nginx with TLS), then checks the result end to end: /healthz directly and through
# nginx, HTTP→HTTPS redirect, a sign-in and a plan created through nginx, the worker's heartbeat
# in /healthz/full, a backup (database + media) restored into a second database with equal counts.
#
#   sudo scripts/install.sh                 # install from this clone, check, print timings
#   sudo UNINSTALL=1 scripts/install.sh     # stop and remove what the script made (drill hosts)
#
# Every setting below can be given in the environment. With systemd (PID 1) the services are
# systemd units and timers; without it (containers, this project's CI machine) the script starts
# gunicorn and the worker directly with runuser and writes their pid files under $RUN_DIR.
set -euo pipefail

SOURCE=${SOURCE:-$(cd "$(dirname "$0")/.." && pwd)}  # a git clone (path or URL)
BRANCH=${BRANCH:-$(git -C "$SOURCE" rev-parse --abbrev-ref HEAD 2>/dev/null || echo main)}
APP_USER=${APP_USER:-cchc}
PREFIX=${PREFIX:-/srv/cchc}                  # home of $APP_USER: app/, backups/
APP=$PREFIX/app
BACKUPS=$PREFIX/backups
ETC=${ETC:-/etc/cchc}
ENV_FILE=$ETC/cchc.env
DB_NAME=${DB_NAME:-cchc}
DB_USER=${DB_USER:-cchc}
RESTORE_DB=${RESTORE_DB:-${DB_NAME}_restore}
DOMAIN=${DOMAIN:-cchc.example.gov.vn}
APP_PORT=${APP_PORT:-8000}
HTTP_PORT=${HTTP_PORT:-80}
HTTPS_PORT=${HTTPS_PORT:-443}
SITE=${SITE:-cchc}                          # /etc/nginx/sites-available/$SITE
PYTHON=${PYTHON:-}                           # a Python >= 3.12 (docs: "Python 3.12")
ADMIN_USER=${ADMIN_USER:-admin}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-$(openssl rand -base64 18 2>/dev/null || echo "Chg-$RANDOM-$RANDOM-pass")}
INSTALL_PACKAGES=${INSTALL_PACKAGES:-1}
RUN_DIR=${RUN_DIR:-/run/cchc}
LOG_DIR=${LOG_DIR:-/var/log/cchc}
if [[ -z ${SYSTEMD:-} ]]; then
    [[ -d /run/systemd/system ]] && SYSTEMD=1 || SYSTEMD=0
fi

STARTED=$SECONDS
TIMINGS=()
step() { printf '\n=== [%4ds] %s\n' $((SECONDS - STARTED)) "$*"; }
timed() {
    local begin=$SECONDS
    "$@"
    TIMINGS+=("$(printf '%5ds  %s' $((SECONDS - begin)) "$1")")
}
fail() { echo "FAILED: $*" >&2; exit 1; }
as_app() { runuser -u "$APP_USER" -- bash -c "cd $APP && set -a && . $ENV_FILE && set +a && $1"; }
as_postgres() { runuser -u postgres -- "$@"; }

((EUID == 0)) || fail "run as root (sudo scripts/install.sh)"

uninstall() {
    step "Uninstall"
    if ((SYSTEMD)); then
        systemctl disable --now cchc-web cchc-worker cchc-daily.timer cchc-backup.timer 2>/dev/null || true
        rm -f /etc/systemd/system/cchc-{web,worker,daily,backup}.{service,timer}
        systemctl daemon-reload
    else
        local pid
        for name in web worker; do
            [[ -f $RUN_DIR/$name.pid ]] || continue
            pid=$(cat "$RUN_DIR/$name.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            rm -f "$RUN_DIR/$name.pid"
        done
    fi
    rm -f "/etc/nginx/sites-enabled/$SITE" "/etc/nginx/sites-available/$SITE" "/etc/cron.d/$SITE"
    if command -v nginx >/dev/null && pgrep -x nginx >/dev/null; then nginx -s reload || true; fi
    as_postgres dropdb --if-exists --force "$DB_NAME"
    as_postgres dropdb --if-exists --force "$RESTORE_DB"
    as_postgres dropuser --if-exists "$DB_USER"
    rm -rf "$PREFIX" "$ETC" "$LOG_DIR" "$RUN_DIR"
    id "$APP_USER" >/dev/null 2>&1 && deluser --quiet "$APP_USER" || true
    echo "Removed."
}
[[ ${UNINSTALL:-0} == 1 ]] && { uninstall; exit 0; }

packages() {
    # The documented apt line (docs/operations.md, "Packages").
    local wanted=(python3 python3-venv make git postgresql nginx sqlite3 sudo cron curl openssl
        ca-certificates gettext-base) missing=()
    for package in "${wanted[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
    echo "Packages present: ${wanted[*]}"
}

python_check() {
    local candidate
    for candidate in "$PYTHON" python3.14 python3.13 python3.12 python3; do
        [[ -n $candidate ]] || continue
        if command -v "$candidate" >/dev/null &&
            runuser -u "$APP_USER" -- "$(command -v "$candidate")" -c \
                'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            PYTHON=$(command -v "$candidate")
            echo "Python for $APP_USER: $PYTHON ($("$PYTHON" --version))"
            return
        fi
    done
    fail "no Python >= 3.12 usable by $APP_USER (Debian 12: see docs/operations.md, 'Python 3.12'); set PYTHON="
}

app_user() {
    id "$APP_USER" >/dev/null 2>&1 ||
        adduser --system --group --home "$PREFIX" --shell /usr/sbin/nologin "$APP_USER"
    install -d -m 750 -o "$APP_USER" -g "$APP_USER" "$PREFIX"
}

clone() {
    # As the docs: clone as root, then give the tree to the app user.
    [[ -d $APP/.git ]] || git clone --quiet --branch "$BRANCH" "$SOURCE" "$APP"
    chown -R "$APP_USER:$APP_USER" "$PREFIX"
    echo "Code: $(runuser -u "$APP_USER" -- git -C "$APP" log --oneline -1)"
    install -d -m 750 -o "$APP_USER" -g "$APP_USER" "$BACKUPS" "$APP/var" "$APP/var/media"
}

database() {
    DB_PASSWORD=$(openssl rand -hex 24)
    as_postgres psql -q -v ON_ERROR_STOP=1 -c "DROP ROLE IF EXISTS $DB_USER" >/dev/null 2>&1 || true
    as_postgres psql -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
    as_postgres createdb --owner "$DB_USER" --encoding UTF8 --template template0 "$DB_NAME"
}

env_file() {
    install -d -m 750 -o root -g "$APP_USER" "$ETC"
    local secret hash
    secret=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
    hash=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
    # .env.example with the values of this host filled in (the docs' "$EDITOR" step).
    sed -e "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$secret|" \
        -e "s|^CCHC_HASH_KEY=.*|CCHC_HASH_KEY=$hash|" \
        -e "s|^DJANGO_ALLOWED_HOSTS=.*|DJANGO_ALLOWED_HOSTS=$DOMAIN|" \
        -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:5432/$DB_NAME|" \
        -e "s|^# CCHC_MEDIA_ROOT=.*|CCHC_MEDIA_ROOT=$APP/var/media|" \
        -e "s|^# CCHC_STATIC_ROOT=.*|CCHC_STATIC_ROOT=$APP/var/static|" \
        -e "s|^DJANGO_EMAIL_HOST=.*|DJANGO_EMAIL_HOST=127.0.0.1|" \
        "$APP/.env.example" >"$ENV_FILE.new"
    echo "CCHC_BIND=127.0.0.1:$APP_PORT" >>"$ENV_FILE.new"
    install -m 640 -o root -g "$APP_USER" "$ENV_FILE.new" "$ENV_FILE" && rm "$ENV_FILE.new"
    stat -c '%U:%G %a %n' "$ENV_FILE"
}

app_setup() {
    as_app "make setup PYTHON=$PYTHON >/dev/null"
    as_app ".venv/bin/python manage.py migrate --no-input -v 0"
    as_app ".venv/bin/python manage.py collectstatic --no-input -v 0"
    as_app ".venv/bin/python manage.py load_admin_units"
    as_app "DJANGO_SUPERUSER_PASSWORD='$ADMIN_PASSWORD' .venv/bin/python manage.py createsuperuser --no-input --username $ADMIN_USER --email admin@$DOMAIN"
    as_app ".venv/bin/python manage.py check --deploy --fail-level WARNING"
}

services() {
    if ((SYSTEMD)); then
        for unit in cchc-web.service cchc-worker.service cchc-daily.service cchc-daily.timer \
            cchc-backup.service cchc-backup.timer; do
            sed -e "s|/srv/cchc|$PREFIX|g" -e "s|/etc/cchc|$ETC|g" -e "s|User=cchc|User=$APP_USER|" \
                -e "s|Group=cchc|Group=$APP_USER|" "$APP/scripts/systemd/$unit" >"/etc/systemd/system/$unit"
        done
        systemctl daemon-reload
        systemctl enable --now cchc-web cchc-worker cchc-daily.timer cchc-backup.timer
    else
        # No systemd: the same commands as the units' ExecStart, started directly.
        install -d -m 755 -o "$APP_USER" -g "$APP_USER" "$RUN_DIR" "$LOG_DIR"
        as_app "{ nohup .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --pid $RUN_DIR/web.pid >>$LOG_DIR/web.log 2>&1 & }"
        as_app "{ nohup .venv/bin/python manage.py db_worker --no-reload >>$LOG_DIR/worker.log 2>&1 & } && echo \$! >$RUN_DIR/worker.pid"
        sed -e "s|/srv/cchc|$PREFIX|g" -e "s|/etc/cchc|$ETC|g" -e "s| cchc  | $APP_USER  |" \
            "$APP/scripts/cron.d/cchc" >"/etc/cron.d/$SITE"
    fi
    for _ in $(seq 1 60); do
        if curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null; then
            ((SYSTEMD)) || echo "gunicorn pid $(cat "$RUN_DIR/web.pid"), worker pid $(cat "$RUN_DIR/worker.pid")"
            return
        fi
        sleep 0.5
    done
    fail "gunicorn did not answer /healthz on 127.0.0.1:$APP_PORT"
}

nginx_site() {
    local cert=/etc/ssl/certs/$SITE.pem key=/etc/ssl/private/$SITE.key
    if [[ ! -f $cert ]]; then
        # A self-signed certificate for the drill; a real host uses its CA's (or certbot's).
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$DOMAIN" \
            -keyout "$key" -out "$cert" 2>/dev/null
        chmod 600 "$key"
    fi
    sed -e "s|cchc.example.gov.vn|$DOMAIN|g" -e "s|127.0.0.1:8000|127.0.0.1:$APP_PORT|" \
        -e "s|listen 80;|listen $HTTP_PORT;|; s|listen \[::\]:80;|listen [::]:$HTTP_PORT;|" \
        -e "s|listen 443 ssl|listen $HTTPS_PORT ssl|; s|listen \[::\]:443 ssl|listen [::]:$HTTPS_PORT ssl|" \
        -e "s|https://\$host\$request_uri|https://\$host$HTTPS_SUFFIX\$request_uri|" \
        -e "s|/etc/ssl/certs/cchc.pem|$cert|; s|/etc/ssl/private/cchc.key|$key|" \
        "$APP/scripts/nginx/cchc.conf" >"/etc/nginx/sites-available/$SITE"
    ln -sf "/etc/nginx/sites-available/$SITE" "/etc/nginx/sites-enabled/$SITE"
    rm -f /etc/nginx/sites-enabled/default
    nginx -t -q
    if ((SYSTEMD)); then systemctl reload-or-restart nginx
    elif pgrep -x nginx >/dev/null; then nginx -s reload
    else nginx; fi
}

HTTPS_SUFFIX=$([[ $HTTPS_PORT == 443 ]] || echo ":$HTTPS_PORT")
CURL=(curl -sS --max-time 30 --resolve "$DOMAIN:$HTTPS_PORT:127.0.0.1" --resolve "$DOMAIN:$HTTP_PORT:127.0.0.1" -k)
BASE=https://$DOMAIN$HTTPS_SUFFIX
check_http() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP_PORT/healthz")
    [[ $code == 200 ]] || fail "direct /healthz gave $code"
    code=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$DOMAIN:$HTTP_PORT/accounts/login/")
    [[ $code == "301 $BASE/accounts/login/" ]] || fail "HTTP is not redirected to HTTPS: $code"
    code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/healthz")
    [[ $code == 200 ]] || fail "/healthz through nginx gave $code"
    code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/healthz/full")
    [[ $code == 404 ]] || fail "/healthz/full must not be served through nginx (got $code)"
    echo "healthz direct 200, http→https 301, healthz via nginx 200, healthz/full via nginx 404"
}

check_plan() {
    local jar csrf unit code year plan
    jar=$(mktemp)
    "${CURL[@]}" -c "$jar" -o /dev/null "$BASE/accounts/login/"
    csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
    code=$("${CURL[@]}" -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
        -H "Referer: $BASE/accounts/login/" --data-urlencode "csrfmiddlewaretoken=$csrf" \
        --data-urlencode "username=$ADMIN_USER" --data-urlencode "password=$ADMIN_PASSWORD" \
        "$BASE/accounts/login/")
    [[ $code == 302* ]] || fail "sign-in through nginx gave $code"
    unit=$(as_app ".venv/bin/python manage.py shell -v 0 -c \"from cchc.orgunits.models import OrgUnit; print(OrgUnit.objects.get(code='01', legacy=False).pk)\"")
    year=$(date +%Y)
    csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
    code=$("${CURL[@]}" -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
        -H "Referer: $BASE/plans/new/" --data-urlencode "csrfmiddlewaretoken=$csrf" \
        --data-urlencode "unit=$unit" --data-urlencode "year=$year" \
        --data-urlencode "title=Kế hoạch cải cách hành chính năm $year" "$BASE/plans/new/")
    [[ $code == 302* ]] || fail "creating a plan (unit $unit) through nginx gave $code"
    plan=${code##*/plans/}
    plan=${plan%%/*}
    code=$("${CURL[@]}" -b "$jar" -o /dev/null -w '%{http_code}' "$BASE/plans/$plan/")
    [[ $code == 200 ]] || fail "the new plan's page gave $code"
    rm -f "$jar"
    echo "signed in as $ADMIN_USER through nginx, created plan $plan ($BASE/plans/$plan/)"
}

check_worker() {
    local out
    for _ in $(seq 1 40); do
        out=$(curl -s "http://127.0.0.1:$APP_PORT/healthz/full")
        grep -q '"status": "ok"' <<<"$out" && break
        sleep 0.5
    done
    grep -q '"status": "ok"' <<<"$out" || fail "/healthz/full: $out"
    as_app ".venv/bin/python manage.py jobs_status"
}

backup_restore() {
    local dump media counts_live counts_restored
    # The documented backup (docs/operations.md, "Backups"): scripts/backup.sh as the app user.
    as_app "scripts/backup.sh $BACKUPS 14 >/dev/null"
    dump=$(ls -t "$BACKUPS"/cchc-*.dump | head -1)
    media=$(ls -t "$BACKUPS"/media-*.tar.gz | head -1)
    ls -l "$dump" "$media"
    as_postgres dropdb --if-exists "$RESTORE_DB"
    as_postgres createdb --owner "$DB_USER" --encoding UTF8 --template template0 "$RESTORE_DB"
    as_app "pg_restore --no-owner -d \"\${DATABASE_URL%/*}/$RESTORE_DB\" $dump"
    local query="select (select count(*) from plans_plan), (select count(*) from core_auditevent), (select count(*) from orgunits_orgunit), (select count(*) from accounts_user)"
    counts_live=$(as_postgres psql -Atc "$query" "$DB_NAME")
    counts_restored=$(as_postgres psql -Atc "$query" "$RESTORE_DB")
    [[ $counts_live == "$counts_restored" ]] || fail "row counts differ: $counts_live vs $counts_restored"
    as_app "DATABASE_URL=\"\${DATABASE_URL%/*}/$RESTORE_DB\" .venv/bin/python manage.py migrate --check -v 0"
    echo "restored into $RESTORE_DB: plans|audit events|units|users = $counts_restored (same as live)"
}

sizes() {
    local web_pids worker_pid
    web_pids=$(pgrep -u "$APP_USER" -f 'gunicorn -c config/gunicorn.conf.py' || true)
    worker_pid=$(pgrep -u "$APP_USER" -f 'manage.py db_worker' | head -1 || true)
    for pid in $web_pids; do
        echo "gunicorn pid $pid RSS $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024)) MB"
    done
    [[ -n $worker_pid ]] && echo "worker pid $worker_pid RSS $(($(awk '/VmRSS/ {print $2}' "/proc/$worker_pid/status") / 1024)) MB"
    echo "venv $(du -sm "$APP/.venv" | cut -f1) MB, app $(du -sm --exclude=.venv "$APP" | cut -f1) MB, database $(as_postgres psql -Atc "select pg_size_pretty(pg_database_size('$DB_NAME'))")"
}

step "Packages";                      ((INSTALL_PACKAGES)) && timed packages
step "User $APP_USER ($PREFIX)";      timed app_user
step "Python";                        python_check
step "Code from $SOURCE ($BRANCH)";   timed clone
step "PostgreSQL: $DB_NAME";          timed database
step "Environment file $ENV_FILE";    timed env_file
step "make setup, migrate, collectstatic, load_admin_units, createsuperuser, check --deploy"
timed app_setup
step "Services (systemd: $SYSTEMD)";  timed services
step "nginx ($HTTP_PORT→$HTTPS_PORT)"; timed nginx_site
step "Checks";                        timed check_http
step "Sign-in and a plan through nginx"; timed check_plan
step "Worker";                        timed check_worker
step "Backup and restore";            timed backup_restore
step "Sizes";                         sizes
step "Timings"
printf '%s\n' "${TIMINGS[@]}"
echo "Installed and checked in $((SECONDS - STARTED)) s. Admin: $ADMIN_USER / $ADMIN_PASSWORD"
