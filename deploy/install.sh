#!/bin/bash
# Installs the inclusive kiosk on a Debian or Raspberry Pi OS machine, from this checkout:
# the packages it needs, the user kiosk, the application in /opt/inclusive-kiosk/venv, its
# session, units, configuration and content, and enables the units. See docs/deployment.md.
#
# Idempotent: each file is written only when it differs ("unchanged" otherwise); a site's
# edited configuration (/etc/inclusive-kiosk/*) is kept, never overwritten.
#
#   sudo deploy/install.sh [options]
#     --session cage|x11  the display server: cage (Wayland, the default) or Xorg with no
#                         window manager, started by xinit
#     --no-packages       install no Debian package (they are there already)
#     --dry-run           print every file it would write and every command it would run;
#                         change nothing
#     --root DIR          write into DIR instead of / (an image being built, a test): no
#                         packages, no venv (a venv only works at the path it was made for),
#                         no systemctl, no ownership; the user kiosk goes into DIR/etc/passwd
#                         only if that file exists
#     --list-packages     print the Debian packages for the session, one a line, and stop
set -euo pipefail

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(dirname "$deploy_dir")"

readonly APP_DIR=/opt/inclusive-kiosk
readonly DATA_DIR=/var/lib/inclusive-kiosk
readonly CONTENT_DIR=$DATA_DIR/content
readonly LIB_DIR=/usr/lib/inclusive-kiosk
readonly UNIT_DIR=/etc/systemd/system
#: The Python packages beside the application: the USB and serial receipt printers' drivers,
#: optional for the library, needed by a kiosk with such a printer (see docs/printer.md).
readonly PRINTER_DRIVERS=("pyusb>=1.2,<2" "pyserial>=3.5,<4")

#: Debian packages a running kiosk needs, whatever its display server; the Makefile's test
#: tools and fleet servers (Xvfb, vpcd, chromium, mosquitto, PostgreSQL) are not among them.
readonly PACKAGES=(
    # What builds pyscard in the venv.
    python3-venv python3-dev gcc swig libpcsclite-dev
    # Kivy's window (its SDL draws through X) and OpenGL.
    libgl1 libgl1-mesa-dri libmtdev1 libx11-6 libxext6 libxrandr2 libxi6 libxcursor1
    # Speech, and sound without a sound server.
    espeak-ng alsa-utils
    # Identity-card readers, USB receipt printers.
    pcscd libccid libusb-1.0-0
    # The logind session that gives the kiosk its seat.
    dbus libpam-systemd
    # Content updates.
    git curl ca-certificates
)
readonly CAGE_PACKAGES=(cage xwayland)
readonly X11_PACKAGES=(xserver-xorg-core xserver-xorg-input-libinput xinit)

root=""
dry_run=false
packages=true
session=cage
list_packages=false

# The comment at the top, on stdout when asked for, on stderr after a wrong option.
usage() {
    local text
    text="$(sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//')"
    if [[ "$1" == 0 ]]; then echo "$text"; else echo "$text" >&2; fi
    exit "$1"
}

while (($#)); do
    case "$1" in
        --root)
            [[ $# -ge 2 && -n "$2" ]] || usage 2
            root="$(realpath -m "$2")"
            [[ "$root" != / ]] || root=""
            shift
            ;;
        --dry-run) dry_run=true ;;
        --no-packages) packages=false ;;
        --session)
            [[ $# -ge 2 && ("$2" == cage || "$2" == x11) ]] || usage 2
            session="$2"
            shift
            ;;
        --list-packages) list_packages=true ;;
        -h | --help) usage 0 ;;
        *) usage 2 ;;
    esac
    shift
done

session_packages=("${CAGE_PACKAGES[@]}")
[[ "$session" == cage ]] || session_packages=("${X11_PACKAGES[@]}")
if $list_packages; then
    printf '%s\n' "${PACKAGES[@]}" "${session_packages[@]}"
    exit 0
fi
if [[ -z "$root" ]] && ! $dry_run && [[ "$(id -u)" != 0 ]]; then
    echo "install.sh: run it as root (sudo), or give --root DIR or --dry-run" >&2
    exit 1
fi

#: Paths written by this run; the units that read them are reloaded at the end.
changed=()

# The path of an installed file on the machine being installed (under --root, if given).
on_target() { printf '%s%s' "$root" "$1"; }

# A command that changes the machine: printed (so it can be pasted), and run unless this is a
# dry run.
run() {
    if $dry_run; then
        echo "would run:$(printf ' %q' "$@")"
    else
        echo "run:$(printf ' %q' "$@")"
        "$@"
    fi
}

# The mode of a path, as chmod takes it.
mode_of() { stat -c %a "$1"; }

# Install the file $1 as $2 with mode $3. With "keep" as $4, a file already there is the
# site's own (a configuration): it is left as it is.
install_file() {
    local source="$1" destination="$2" mode="$3" policy="${4:-replace}"
    local path
    path="$(on_target "$destination")"
    if [[ -f "$path" ]] && cmp -s "$source" "$path"; then
        if [[ "$(mode_of "$path")" == "$mode" ]]; then
            echo "unchanged $destination"
        elif $dry_run; then
            echo "would chmod $mode $destination"
        else
            chmod "$mode" "$path"
            echo "chmod $mode $destination"
        fi
        return
    fi
    if [[ -e "$path" && "$policy" == keep ]]; then
        echo "kept $destination (the site's own: compare it with $source)"
        return
    fi
    local what=new
    [[ ! -e "$path" ]] || what=changed
    if $dry_run; then
        echo "would write $destination ($what)"
        return
    fi
    mkdir -p "$(dirname "$path")"
    local partial
    partial="$(mktemp "$path.XXXXXX")"
    cp "$source" "$partial"
    chmod "$mode" "$partial"
    mv -f "$partial" "$path"
    echo "wrote $destination ($what)"
    changed+=("$destination")
}

# Remove a file this script wrote before and no longer wants (a session's drop-in).
remove_file() {
    local path
    path="$(on_target "$1")"
    [[ -e "$path" ]] || return 0
    if $dry_run; then
        echo "would remove $1"
    else
        rm -f "$path"
        echo "removed $1"
        changed+=("$1")
    fi
}

ensure_directory() {
    local path
    path="$(on_target "$1")"
    if [[ -d "$path" && "$(mode_of "$path")" == "$2" ]]; then
        echo "unchanged $1/"
    elif $dry_run; then
        echo "would create $1/ (mode $2)"
    else
        mkdir -p "$path"
        chmod "$2" "$path"
        echo "created $1/ (mode $2)"
    fi
}

# Point the symbolic link $1 at $2, in one rename (the kiosk may be reading through it).
ensure_link() {
    local path
    path="$(on_target "$1")"
    if [[ "$(readlink "$path" || true)" == "$2" ]]; then
        echo "unchanged $1 -> $2"
    elif $dry_run; then
        echo "would link $1 -> $2"
    else
        ln -sfn "$2" "$path.new"
        mv -Tf "$path.new" "$path"
        echo "linked $1 -> $2"
    fi
}

install_packages() {
    if [[ -n "$root" ]]; then
        echo "skipped: Debian packages (--root)"
        return
    fi
    if ! $packages; then
        echo "skipped: Debian packages (--no-packages)"
        return
    fi
    local missing=() package
    for package in "${PACKAGES[@]}" "${session_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        echo "unchanged: every Debian package is installed"
        return
    fi
    run apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_files() {
    local unit
    for unit in inclusive-kiosk.service inclusive-kiosk-content-update.service \
        inclusive-kiosk-content-update.timer; do
        install_file "$deploy_dir/systemd/$unit" "$UNIT_DIR/$unit" 644
    done
    if [[ "$session" == x11 ]]; then
        install_file "$deploy_dir/systemd/x11-session.conf" "$UNIT_DIR/inclusive-kiosk.service.d/x11-session.conf" 644
    else
        remove_file "$UNIT_DIR/inclusive-kiosk.service.d/x11-session.conf"
    fi
    install_file "$deploy_dir/bin/kiosk-session" "$LIB_DIR/kiosk-session" 755
    install_file "$deploy_dir/bin/content-update" "$LIB_DIR/content-update" 755
    install_file "$deploy_dir/pam/inclusive-kiosk" /etc/pam.d/inclusive-kiosk 644
    install_file "$deploy_dir/polkit/60-inclusive-kiosk-pcscd.rules" \
        /etc/polkit-1/rules.d/60-inclusive-kiosk-pcscd.rules 644
    install_file "$deploy_dir/udev/60-kiosk-receipt-printer.rules" /etc/udev/rules.d/60-kiosk-receipt-printer.rules 644
    install_file "$deploy_dir/journald/inclusive-kiosk.conf" /etc/systemd/journald.conf.d/inclusive-kiosk.conf 644
    install_file "$deploy_dir/tmpfiles/inclusive-kiosk.conf" /etc/tmpfiles.d/inclusive-kiosk.conf 644
    install_file "$deploy_dir/sysusers/inclusive-kiosk.conf" /etc/sysusers.d/inclusive-kiosk.conf 644
    # The PIN hash is not the PIN, but no other user needs to read it.
    install_file "$deploy_dir/config/kiosk.toml" /etc/inclusive-kiosk/kiosk.toml 640 keep
    install_file "$deploy_dir/config/content-update.conf" /etc/inclusive-kiosk/content-update.conf 644 keep
    local page
    for page in deployment privacy configuration; do
        install_file "$source_dir/docs/$page.md" "/usr/share/doc/inclusive-kiosk/$page.md" 644
    done
}

install_user() {
    local conf="$deploy_dir/sysusers/inclusive-kiosk.conf"
    local passwd group
    passwd="$(on_target /etc/passwd)"
    group="$(on_target /etc/group)"
    if [[ ! -f "$passwd" ]]; then
        echo "skipped: user kiosk (${root:-/} has no etc/passwd)"
        return
    fi
    local complete=true member_of
    grep -q '^kiosk:' "$passwd" || complete=false
    while read -r member_of; do
        grep -Eq "^$member_of:[^:]*:[^:]*:(.*,)?kiosk(,|$)" "$group" 2>/dev/null || complete=false
    done < <(awk '$1 == "m" && $2 == "kiosk" { print $3 }' "$conf")
    local options=()
    [[ -z "$root" ]] || options=(--root="$root")
    if $complete; then
        echo "unchanged user kiosk"
    else
        # It says what it creates on stderr: it belongs with this script's report.
        run systemd-sysusers "${options[@]}" "$conf" 2>&1
    fi
}

install_data() {
    ensure_directory "$DATA_DIR" 750
    ensure_directory "$DATA_DIR/kivy" 700
    ensure_directory "$DATA_DIR/fleet" 700
    ensure_directory "$CONTENT_DIR" 755
    ensure_directory "$CONTENT_DIR/releases" 755
    # The shipped procedures are the first release, named after their bytes; a site's own
    # content (fetched by content-update) is never replaced by them.
    local shipped="$source_dir/kiosk/content" fingerprint
    fingerprint="$(cd "$shipped" && find procedures -name '*.yaml' -print0 | LC_ALL=C sort -z |
        xargs -0 sha256sum glossary.yaml | sha256sum | cut -c1-8)"
    local release="releases/shipped-$fingerprint" file
    ensure_directory "$CONTENT_DIR/$release" 755
    ensure_directory "$CONTENT_DIR/$release/procedures" 755
    for file in "$shipped"/procedures/*.yaml; do
        install_file "$file" "$CONTENT_DIR/$release/procedures/$(basename "$file")" 644
    done
    install_file "$shipped/glossary.yaml" "$CONTENT_DIR/$release/glossary.yaml" 644
    local current
    current="$(readlink "$(on_target "$CONTENT_DIR/current")" || true)"
    if [[ -z "$current" || "$current" == releases/shipped-* ]]; then
        if [[ -n "$current" && "$current" != "$release" ]]; then
            ensure_link "$CONTENT_DIR/previous" "$current"
        fi
        ensure_link "$CONTENT_DIR/current" "$release"
    else
        echo "kept $CONTENT_DIR/current -> $current (the site's content)"
    fi
}

# Owners, on the machine itself: the user kiosk exists by now.
set_owners() {
    [[ -z "$root" ]] || return 0
    run systemd-tmpfiles --create /etc/tmpfiles.d/inclusive-kiosk.conf
    if [[ -n "$(find "$CONTENT_DIR" ! -user kiosk -print -quit 2>/dev/null)" ]] || $dry_run; then
        run chown -R kiosk:kiosk "$CONTENT_DIR"
    fi
    if [[ "$(stat -c %U:%G /etc/inclusive-kiosk/kiosk.toml 2>/dev/null)" != root:kiosk ]]; then
        run chown root:kiosk /etc/inclusive-kiosk/kiosk.toml
    fi
}

install_venv() {
    if [[ -n "$root" ]]; then
        echo "skipped: $APP_DIR/venv (--root)"
        return
    fi
    # What the venv was built from: the application's files and the printer drivers.
    local fingerprint stamp="$APP_DIR/venv/.installed-from"
    fingerprint="$(cd "$source_dir" && {
        printf '%s\n' "${PRINTER_DRIVERS[@]}"
        find pyproject.toml kiosk screens accessibility devices fleet -type f \
            ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -c1-64)"
    if [[ "$(cat "$stamp" 2>/dev/null)" == "$fingerprint" ]]; then
        echo "unchanged $APP_DIR/venv"
        return
    fi
    [[ -x "$APP_DIR/venv/bin/python" ]] || run python3 -m venv "$APP_DIR/venv"
    run "$APP_DIR/venv/bin/pip" install --quiet --no-cache-dir "$source_dir" "${PRINTER_DRIVERS[@]}"
    if $dry_run; then
        echo "would write $stamp"
    else
        echo "$fingerprint" >"$stamp"
        echo "wrote $stamp"
    fi
}

was_changed() {
    local path
    for path in "${changed[@]}"; do
        [[ "$path" != "$1"* ]] || return 0
    done
    return 1
}

enable_units() {
    if [[ -n "$root" ]]; then
        echo "skipped: systemctl (--root): on the machine, enable inclusive-kiosk.service," \
            "inclusive-kiosk-content-update.timer and pcscd.socket"
        return
    fi
    if was_changed "$UNIT_DIR/" || $dry_run; then
        run systemctl daemon-reload
    fi
    if was_changed /etc/systemd/journald.conf.d/; then
        run systemctl restart systemd-journald.service
    fi
    if was_changed /etc/udev/rules.d/; then
        run udevadm control --reload
    fi
    local unit
    for unit in pcscd.socket inclusive-kiosk.service inclusive-kiosk-content-update.timer; do
        if systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            echo "unchanged: $unit enabled"
        else
            run systemctl enable "$unit"
        fi
    done
    # A desktop's display manager would take the screen from the kiosk's session.
    if [[ "$(systemctl get-default 2>/dev/null)" == multi-user.target ]]; then
        echo "unchanged: boots to multi-user.target"
    else
        run systemctl set-default multi-user.target
    fi
}

demo_pin_warning() {
    local config
    config="$(on_target /etc/inclusive-kiosk/kiosk.toml)"
    [[ -f "$config" ]] || config="$deploy_dir/config/kiosk.toml"
    if grep -q 'b31bda6f5c367ff1c437a50b4805aac4' "$config"; then
        echo "WARNING: the mediator PIN is still the demo one (2468): set yours in" \
            "/etc/inclusive-kiosk/kiosk.toml (docs/deployment.md, step 3)"
    fi
}

$dry_run && echo "dry run: nothing is changed"
install_packages
install_files
install_user
install_data
set_owners
install_venv
enable_units
demo_pin_warning
if [[ -z "$root" ]] && ! $dry_run; then
    echo "done: reboot, or start the kiosk with: systemctl start inclusive-kiosk"
fi
