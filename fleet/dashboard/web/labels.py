"""The words the pages show for the store's codes, in plain French, and how times are written."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: The dashboard's people work in France: times are shown in Paris time.
LOCAL_ZONE = ZoneInfo("Europe/Paris")

STATE_LABEL = {
    "ready": "En service",
    "lost": "Perdue",
    "disconnected": "Arrêtée",
    "maintenance": "En maintenance",
    "alert": "En alerte",
    "unknown": "Inconnu",
}

EVENT_LABEL = {
    "device_fault": "Panne d'appareil",
    "device_recovered": "Appareil rétabli",
    "app_crash": "Plantage de l'application",
    "app_restart": "Redémarrage de l'application",
    "content_refused": "Contenu refusé",
    "help_request": "Demande d'aide",
    "help_acknowledged": "Demande d'aide prise en charge",
    "session": "Session terminée",
}

COMMAND_LABEL = {
    "ping": "Tester la liaison",
    "rebirth": "Redemander son état",
    "reload_content": "Recharger le contenu",
    "maintenance_enter": "Passer en maintenance",
    "maintenance_leave": "Sortir de maintenance",
    "test_print": "Imprimer un ticket de test",
    "restart": "Redémarrer l'application",
    "help_ack": "Prendre en charge une demande d'aide",
}

COMMAND_STATUS_LABEL = {
    "pending": "En attente de réponse",
    "ok": "Fait",
    "refused": "Refusé par la borne",
    "error": "Échec",
    "timeout": "Pas de réponse",
}

DEVICE_LABEL = {"printer": "Imprimante", "card_reader": "Lecteur de carte", "screen": "Écran"}

#: A device's detail code (devices/health.py, the printer's faults), in words; the code follows
#: in brackets on the page, for IT staff searching the docs or the kiosk's journal.
DETAIL_LABEL = {
    "ok": "Aucun problème",
    "paper_near_end": "Papier bientôt fini",
    "paper_out": "Plus de papier",
    "cover_open": "Capot ouvert",
    "offline": "En erreur",
    "connection_refused": "Ne répond pas",
    "timeout": "Ne répond pas à temps",
    "not_found": "Introuvable",
    "unknown_host": "Adresse inconnue",
    "permission_denied": "Accès refusé",
    "driver_missing": "Pilote absent",
    "no_reader": "Aucun lecteur branché",
    "source_error": "État illisible",
    "not_polled": "Pas encore interrogé",
    "drawn_in_software": "Dessiné par le processeur : pilote graphique absent",
}

#: The speech engine's state.
SPEECH_LABEL = {"ready": "Prête", "speaking": "Parle", "off": "Coupée", "unavailable": "Indisponible"}

REASON_LABEL = {
    "help_button": "bouton Aide",
    "not_found": "ne trouve pas sa démarche",
    "speech_unavailable": "voix indisponible",
    "printer_paper_out": "plus de papier",
    "printer_offline": "imprimante hors ligne",
    "printer_cover_open": "capot de l'imprimante ouvert",
    "card_reader_missing": "lecteur de carte absent",
}

ROLE_LABEL = {"admin": "administrateur", "mediator": "médiateur", "viewer": "lecture seule"}


def local_time(at: float | None, *, seconds: bool = False) -> str:
    """A UTC timestamp as Paris time, "30/11/2026 14:03"; "—" when unknown."""
    if at is None:
        return "—"
    moment = dt.datetime.fromtimestamp(at, LOCAL_ZONE)
    return moment.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def iso_time(at: float | None) -> str:
    """The machine-readable form for a <time datetime="..."> element."""
    return "" if at is None else dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="seconds")


def duration(seconds: float | None) -> str:
    """A duration in words: "3 min 20 s", "2 h 05 min", "4 j 2 h"."""
    if seconds is None:
        return "—"
    whole = int(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %".replace(".", ",")


def label(table: dict[str, str], code: str | None) -> str:
    """The label of a code, or the code itself when this version does not know it."""
    if not code:
        return "—"
    return table.get(code, code)


def coded(table: dict[str, str], code: str | None) -> str:
    """The label of a code with the code in brackets ("Plus de papier (paper_out)"); the code
    alone when this version does not know it, the label alone for "ok"."""
    if not code or code not in table:
        return label(table, code)
    return table[code] if code == "ok" else f"{table[code]} ({code})"


#: The names of event fields on the kiosk page.
FIELD_LABEL = {
    "procedure": "démarche",
    "step": "étape",
    "reason": "motif",
    "duration_s": "durée",
    "outcome": "résultat",
    "help_asked": "aide demandée",
    "satisfaction": "satisfaction (1 à 3)",
    "language": "langue",
    "accessibility": "aides utilisées",
    "device": "appareil",
    "detail": "détail",
    "error": "erreur",
    "screen": "écran",
    "file": "fichier",
    "line": "ligne",
    "request_id": "demande",
    "app_version": "version",
    "last_error": "dernière erreur",
}
_OUTCOME_LABEL = {"completed": "menée au bout", "abandoned": "abandonnée"}


def event_details(data: dict[str, object]) -> str:
    """An event's fields as a short French line: "démarche : passeport, durée : 3 min 30 s"."""
    parts = []
    for key, value in data.items():
        if key in ("site", "kiosk_id", "last_error_at"):
            continue
        if isinstance(value, bool):
            shown = "oui" if value else "non"
        elif isinstance(value, list | tuple):
            shown = ", ".join(str(item) for item in value) or "aucune"
        elif key == "duration_s" and isinstance(value, int | float):
            shown = duration(value)
        elif key == "reason":
            shown = label(REASON_LABEL, str(value))
        elif key == "outcome":
            shown = label(_OUTCOME_LABEL, str(value))
        elif key == "device":
            shown = label(DEVICE_LABEL, str(value))
        else:
            shown = str(value)
        parts.append(f"{FIELD_LABEL.get(key, key)} : {shown}")
    return ", ".join(parts)
