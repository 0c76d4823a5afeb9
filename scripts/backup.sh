#!/usr/bin/env bash
# scripts/backup.sh FOLDER [DAYS]: dump the database and archive the media folder into FOLDER,
# readable by the app user only, and delete backups older than DAYS (default 14).
# Runs as the app user with the environment file loaded (cron line or cchc-backup.service).
set -euo pipefail
folder=${1:?usage: backup.sh FOLDER [DAYS]}
days=${2:-14}
stamp=$(date +%F-%H%M)
umask 077
mkdir -p "$folder"
media=${CCHC_MEDIA_ROOT:-var/media}
if [[ ${DATABASE_URL:-} == postgres* ]]; then
    pg_dump -Fc -f "$folder/cchc-$stamp.dump" "$DATABASE_URL"
else
    sqlite3 "${CCHC_SQLITE_PATH:-var/cchc.sqlite3}" ".backup '$folder/cchc-$stamp.sqlite3'"
fi
tar -czf "$folder/media-$stamp.tar.gz" -C "$(dirname "$media")" "$(basename "$media")"
find "$folder" -maxdepth 1 -type f \( -name 'cchc-*' -o -name 'media-*' \) -mtime +"$days" -delete
ls -l "$folder" | tail -n 4
