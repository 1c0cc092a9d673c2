"""Renders each place of the journey into a Page view-model, in the citizen's language."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from accessibility.languages import LANGUAGE_NAMES, is_right_to_left
from devices.receipt import LineStyle, ReceiptDocument, ReceiptLine, receipt_text
from kiosk.i18n import N_, localized
from kiosk.procedures import THEMES
from kiosk.receipt import build_receipt, place_lines, summary_content
from kiosk.viewmodels import Action, Line, Mark, Page, spoken_description

if TYPE_CHECKING:
    from kiosk.controller import KioskController, Location

#: At most six choices on a screen, "Je ne trouve pas" and "Voir d'autres choix" included.
MAX_CHOICES = 6
_MARKS = {LineStyle.CHECKED: Mark.OK, LineStyle.MISSING: Mark.MISSING}
#: Marked lines carry an icon as well as words and colour.
_MARK_PICTOGRAMS = {Mark.OK: "yes", Mark.MISSING: "no"}


def render(kiosk: KioskController, location: Location) -> Page:
    renderer = _RENDERERS.get(location.name)
    if renderer is None:
        raise ValueError(f"no page called '{location.name}'")
    return renderer(kiosk, location)


def _page(
    kiosk: KioskController,
    name: str,
    title: str,
    lines: list[Line],
    actions: list[Action],
    **extra: object,
) -> Page:
    tr = kiosk.tr
    spoken = spoken_description(title, lines, actions, tr("Vos choix :"), kiosk.private_listening)
    progress = str(extra.get("progress", ""))
    if progress:
        spoken = progress + ". " + spoken
    if not kiosk.speech_working and not extra.get("note"):
        extra["note"] = tr("La voix ne marche pas. Lisez l'écran ou appelez un conseiller.")
    language = kiosk.session.language
    tools = _speech_tools(kiosk)
    if name not in ("home",) and not name.startswith("mediator"):
        # The language can be changed on every citizen screen, not only at the start.
        tools = _languages(kiosk) + tools
    return Page(
        name=name,
        title=title,
        language=language,
        spoken=spoken,
        lines=lines,
        actions=actions,
        tools=tools,
        rtl=is_right_to_left(language),
        **extra,
    )  # type: ignore[arg-type]


def _languages(kiosk: KioskController, include_current: bool = False) -> list[Action]:
    """The offered languages, each named in itself; a change keeps the citizen's place."""
    return [
        Action(
            f"lang_{code}", LANGUAGE_NAMES[code], "language", lambda code=code: kiosk.choose_language(code)
        )
        for code in kiosk.config.languages.offered
        if include_current or code != kiosk.session.language
    ]


def _speech_tools(kiosk: KioskController) -> list[Action]:
    """Speech controls, shown while speech mode is on and the voice works."""
    if not kiosk.session.speech_mode or not kiosk.speech_working:
        return []
    tr = kiosk.tr
    paused = kiosk.speech.paused
    return [
        Action("speech_repeat", tr("Répéter"), "renew", kiosk.speech_repeat),
        Action(
            "speech_pause",
            tr("Reprendre") if paused else tr("Pause"),
            "listen" if paused else "pause",
            kiosk.speech_pause,
        ),
        Action("speech_slower", tr("Plus lent"), "slower", kiosk.speech_slower),
        Action("speech_faster", tr("Plus vite"), "faster", kiosk.speech_faster),
        Action("speech_quieter", tr("Moins fort"), "quieter", kiosk.volume_down),
        Action("speech_louder", tr("Plus fort"), "louder", kiosk.volume_up),
    ]


def _home(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    session = kiosk.session
    languages = _languages(kiosk, include_current=True)
    listening = tr("oui") if session.speech_mode else tr("non")
    actions = [
        Action("start", tr("Touchez l'écran pour commencer"), "touch", kiosk.start),
        Action(
            "listen_toggle",
            tr("Écouter les instructions : {state}", state=listening),
            "listen",
            kiosk.toggle_speech_mode,
        ),
        Action("settings", tr("Affichage : contraste et taille du texte"), "contrast", kiosk.open_settings),
    ]
    lines = [
        Line(tr("Cette borne vous aide à faire vos démarches.")),
        Line(tr("Un conseiller peut aussi vous aider."), "mediator"),
    ]
    return _page(
        kiosk,
        "home",
        tr("Bonjour"),
        lines,
        actions,
        secondary=languages,
        pictogram="touch",
        primary_first=True,
    )


def _paged(kiosk: KioskController, location: Location, items: list[Action]) -> list[Action]:
    tr = kiosk.tr
    not_found = Action("not_found", tr("Je ne trouve pas"), "question", lambda: kiosk.ask_help("not_found"))
    if len(items) + 1 <= MAX_CHOICES:
        return [*items, not_found]
    per_page = MAX_CHOICES - 2
    pages = (len(items) + per_page - 1) // per_page
    start = (location.page % pages) * per_page
    more = Action("more", tr("Voir d'autres choix"), "more", kiosk.turn_catalogue_page)
    return [*items[start : start + per_page], more, not_found]


def _catalogue(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    language = kiosk.session.language
    catalogue = kiosk.catalogue
    if location.theme is None:
        items = [
            Action(
                f"theme_{theme}",
                tr(THEMES[theme][0]),
                THEMES[theme][1],
                lambda theme=theme: kiosk.open_theme(theme),
            )
            for theme in catalogue.themes()
        ]
        title, instruction = tr("Votre démarche"), tr("Choisissez un sujet.")
    else:
        items = [
            Action(
                f"procedure_{p.id}",
                localized(p.title, language)[0],
                p.pictogram,
                lambda pid=p.id: kiosk.open_procedure(pid, preview=location.preview),
            )
            for p in catalogue.by_theme(location.theme)
        ]
        title, instruction = tr(THEMES[location.theme][0]), tr("Choisissez votre démarche.")
    return _page(kiosk, "catalogue", title, [Line(instruction)], _paged(kiosk, location, items))


def _step(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    language = kiosk.session.language
    run = kiosk.session.run
    assert run is not None
    step = run.step
    fell_back = False

    def text(value: dict[str, str]) -> str:
        nonlocal fell_back
        result, used_french = localized(value, language)
        fell_back = fell_back or used_french
        return result

    lines = [Line(text(step.text))]
    if step.kind == "question":
        actions = [
            Action(
                f"choice_{choice.id}",
                text(choice.label),
                choice.pictogram,
                lambda cid=choice.id: kiosk.answer(cid),
            )
            for choice in step.choices
        ]
    elif step.kind == "documents":
        document = run.document
        assert document is not None
        lines.append(Line(text(document.label), document.pictogram))
        if document.detail:
            lines.append(Line(text(document.detail)))
        actions = [
            Action("doc_yes", tr("Oui, je l'ai"), "yes", lambda: kiosk.answer_document(True)),
            Action("doc_no", tr("Non, je ne l'ai pas"), "no", lambda: kiosk.answer_document(False)),
        ]
    elif step.kind == "where":
        where, where_fell_back = place_lines(run, kiosk.config, tr, language)
        fell_back = fell_back or where_fell_back
        lines += [Line(line, "address" if index == 0 else None) for index, line in enumerate(where)]
        actions = [Action("continue", tr("Continuer"), "next", kiosk.proceed)]
    elif step.kind == "identity_card":
        actions = [
            Action("no_card", tr("Je n'ai pas ma carte"), "no", kiosk.proceed),
            Action("continue", tr("Continuer"), "next", kiosk.proceed),
        ]
    else:
        actions = [Action("continue", tr("Continuer"), "next", kiosk.proceed)]
    number, total = run.progress()
    return _page(
        kiosk,
        "step",
        text(step.title),
        lines,
        actions,
        primary_first=step.kind in ("info", "where"),
        pictogram=step.pictogram,
        progress=tr("Étape {number} sur {total}", number=number, total=total),
        note=tr("Ce texte existe seulement en français.") if fell_back else "",
    )


def _summary(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    run = kiosk.session.run
    assert run is not None
    content = summary_content(run, kiosk.config, tr, kiosk.session.language)
    lines: list[Line] = []
    for section in content.sections:
        lines.append(Line(section.heading, section.pictogram, Mark.HEADING))
        for text, style in section.lines:
            mark = _MARKS.get(style, Mark.NONE)
            lines.append(Line(text, _MARK_PICTOGRAMS.get(mark), mark))
    lines.append(Line(content.source))
    actions = [
        Action("receipt", tr("Recevoir ce résumé"), "print", kiosk.open_receipt),
        Action("finish", tr("Terminer"), "end", kiosk.finish),
    ]
    return _page(
        kiosk,
        "summary",
        tr("Récapitulatif : {title}", title=content.title),
        lines,
        actions,
        qr_url=content.online_url,
        qr_caption=content.online_label,
        pictogram="info",
        note=tr("Ce texte existe seulement en français.") if content.fell_back else "",
    )


_PRINTER_MESSAGES = {
    "paper_out": N_("L'imprimante n'a plus de papier. Regardez le QR code. Un conseiller est prévenu."),
    "offline": N_("L'imprimante ne marche pas. Regardez le QR code. Un conseiller est prévenu."),
    "cover_open": N_("L'imprimante est ouverte. Regardez le QR code. Un conseiller est prévenu."),
}


def _receipt(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    run = kiosk.session.run
    assert run is not None
    # The receipt document carries the summary's content: built once, shown, previewed and said.
    receipt = build_receipt(run, kiosk.config, tr, kiosk.session.language)
    message = location.message
    lines = [
        Line(tr("Vous pouvez imprimer ce résumé."), "print"),
        Line(tr("Vous pouvez aussi photographier le QR code avec votre téléphone."), "qr"),
    ]
    preview = ""
    if message == "printed":
        lines = [Line(tr("Votre papier est imprimé. Prenez-le sous l'écran."), "yes", Mark.OK)]
        if kiosk.last_receipt is not None and kiosk.config.devices.printer.type == "simulated":
            preview = receipt_text(kiosk.last_receipt)
    elif message.startswith("printer:"):
        lines = [Line(tr(_PRINTER_MESSAGES[message.removeprefix("printer:")]), "warning", Mark.ERROR)]
    elif message == "printing":
        lines = [Line(tr("Impression en cours…"), "print")]
    actions = [
        Action(
            "print",
            tr("Imprimer"),
            "print",
            kiosk.print_receipt,
            enabled=message != "printing",
        ),
        Action("show_qr", tr("Voir le QR code"), "qr", lambda: kiosk.open_receipt(show_qr=True)),
        Action("finish", tr("Terminer"), "end", kiosk.finish),
    ]
    page = _page(
        kiosk,
        "receipt",
        tr("Votre résumé"),
        lines,
        actions,
        pictogram="print",
        qr_url=receipt.qr_url if location.show_qr else None,
        qr_caption=receipt.qr_caption,
        preview=preview,
    )
    # Everything the receipt prints can be heard (EN 301 549 5.1.3.16).
    said = ". ".join(line.text.rstrip(". ") for line in receipt.lines)
    on_paper = tr("Sur le papier :")
    return replace(page, spoken=f"{page.spoken} {on_paper} {said}. {receipt.qr_caption}.")


def _feedback(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    faces = [
        Action("face_3", tr("Content"), "face_happy", lambda: kiosk.give_feedback(3)),
        Action("face_2", tr("Moyen"), "face_neutral", lambda: kiosk.give_feedback(2)),
        Action("face_1", tr("Pas content"), "face_sad", lambda: kiosk.give_feedback(1)),
        Action("skip", tr("Passer"), "skip", lambda: kiosk.give_feedback(None)),
    ]
    lines = [Line(tr("Êtes-vous content de la borne ?")), Line(tr("Votre réponse est anonyme."))]
    return _page(kiosk, "feedback", tr("Votre avis"), lines, faces, pictogram="face_happy")


def _help(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    lines = [
        Line(tr("Un conseiller va venir vous aider."), "mediator"),
        Line(tr("Restez près de la borne, s'il vous plaît.")),
    ]
    site = kiosk.config.site
    if site.phone:
        lines.append(Line(tr("Vous pouvez aussi appeler le {phone}.", phone=site.phone), "phone"))
    actions = [Action("help_close", tr("Continuer seul"), "back", kiosk.back)]
    return _page(kiosk, "help", tr("Appeler un conseiller"), lines, actions, pictogram="help")


def _idle(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    seconds = kiosk.idle.seconds_left(kiosk.clock())
    lines = [
        Line(tr("Sans réponse, tout sera effacé dans {seconds} secondes.", seconds=seconds), "clock"),
        Line(tr("Touchez le bouton pour continuer.")),
    ]
    actions = [Action("still_here", tr("Je suis encore là"), "touch", kiosk.still_here)]
    return _page(
        kiosk,
        "idle",
        tr("Êtes-vous encore là ?"),
        lines,
        actions,
        pictogram="clock",
        primary_first=True,
    )


_THEME_NAMES = {"default": N_("normal"), "high_contrast": N_("fort, jaune sur noir"), "light": N_("clair")}


def _settings(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    session = kiosk.session
    listening = tr("oui") if session.speech_mode else tr("non")
    actions = [
        Action(
            "theme",
            tr("Contraste : {theme}", theme=tr(_THEME_NAMES[session.theme])),
            "contrast",
            kiosk.cycle_theme,
        ),
        Action(
            "text_size",
            tr("Taille du texte : {percent} %", percent=round(session.text_scale * 100)),
            "bigger",
            kiosk.bigger_text,
        ),
        Action(
            "listen_toggle",
            tr("Écouter les instructions : {state}", state=listening),
            "listen",
            kiosk.toggle_speech_mode,
        ),
        Action(
            "motion",
            tr("Animations : {state}", state=tr("non") if session.reduce_motion else tr("oui")),
            "motion",
            kiosk.toggle_motion,
        ),
        Action("settings_done", tr("C'est bon"), "yes", kiosk.back),
    ]
    lines = [Line(tr("Touchez un bouton pour changer l'affichage."), "settings")]
    return _page(kiosk, "settings", tr("Affichage"), lines, actions, pictogram="settings")


def _mediator_pin(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    locked = kiosk.pin_lock.seconds_locked()
    if locked > 0:
        minutes, seconds = divmod(int(locked + 0.999), 60)
        lines = [
            Line(
                tr(
                    "Trop d'essais. Réessayez dans {minutes} min {seconds} s.",
                    minutes=minutes,
                    seconds=seconds,
                ),
                "lock",
                Mark.ERROR,
            )
        ]
    elif location.message == "wrong":
        lines = [
            Line(
                tr(
                    "Le code est faux. Tapez le code encore une fois. Essais restants : {count}.",
                    count=kiosk.pin_lock.attempts_left,
                ),
                "no",
                Mark.ERROR,
            )
        ]
    else:
        lines = [Line(tr("Tapez le code du conseiller."), "lock")]
    digits = [
        Action(
            f"pin_{digit}",
            digit,
            None,
            lambda digit=digit: kiosk.pin_digit(digit),
            enabled=locked <= 0,
        )
        for digit in "1234567890"
    ]
    actions = [
        *digits,
        Action("pin_clear", tr("Effacer"), "no", kiosk.pin_clear),
        Action("pin_ok", tr("Valider"), "yes", kiosk.pin_submit, enabled=locked <= 0),
    ]
    page = _page(
        kiosk,
        "mediator_pin",
        tr("Espace conseiller"),
        lines,
        actions,
        pictogram="lock",
        entry="●" * len(kiosk.pin_entry),
    )
    # The spoken description never lists the digits' keys one by one, nor the entry.
    return page


def _mediator(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    messages = {
        "test_printed": tr("Le ticket de test est imprimé."),
        "test_failed": tr("Le ticket de test n'a pas pu être imprimé."),
    }
    lines = [Line(messages.get(location.message, tr("Que voulez-vous faire ?")), "settings")]
    actions = [
        Action(
            "mediator_status",
            tr("État des appareils"),
            "settings",
            lambda: kiosk.mediator_screen("mediator_status"),
        ),
        Action("mediator_test_print", tr("Imprimer un ticket de test"), "print", kiosk.test_print),
        Action("mediator_reload", tr("Recharger les démarches"), "renew", kiosk.reload_content),
        Action("mediator_preview", tr("Voir une démarche"), "search", kiosk.open_preview),
        Action(
            "mediator_end_session",
            tr("Finir la session en cours"),
            "end",
            kiosk.mediator_end_session,
        ),
        Action("mediator_quit", tr("Quitter la borne"), "lock", kiosk.quit),
        Action("mediator_close", tr("Fermer"), "back", kiosk.close_mediator),
    ]
    return _page(kiosk, "mediator", tr("Espace conseiller"), lines, actions, pictogram="settings")


def _mediator_preview(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    language = kiosk.session.language
    procedures = sorted(kiosk.catalogue.procedures.values(), key=lambda p: p.title["fr"])
    items = [
        Action(
            f"procedure_{p.id}",
            localized(p.title, language)[0],
            p.pictogram,
            lambda pid=p.id: kiosk.open_procedure(pid, preview=True),
        )
        for p in procedures
    ]
    per_page = MAX_CHOICES - 2
    pages = max(1, (len(items) + per_page - 1) // per_page)
    start = (location.page % pages) * per_page
    actions = [*items[start : start + per_page]]
    if pages > 1:
        actions.append(Action("more", tr("Voir d'autres choix"), "more", kiosk.turn_catalogue_page))
    actions.append(Action("mediator_close", tr("Fermer"), "back", kiosk.close_mediator))
    return _page(
        kiosk,
        "mediator_preview",
        tr("Voir une démarche"),
        [Line(tr("Choisissez la démarche à vérifier."))],
        actions,
        pictogram="search",
    )


def _mediator_status(kiosk: KioskController, location: Location) -> Page:
    tr = kiosk.tr
    lines = [Line(f"{name} : {state}", "settings") for name, state in kiosk.device_status()]
    catalogue = kiosk.catalogue
    lines.append(Line(tr("Démarches chargées : {count}", count=len(catalogue.procedures)), "document"))
    lines += [Line(str(error), "warning", Mark.ERROR) for error in catalogue.errors[:5]]
    if location.message == "reloaded":
        lines.insert(0, Line(tr("Les démarches sont rechargées."), "yes", Mark.OK))
    actions = [
        Action("mediator_back", tr("Retour au menu"), "back", lambda: kiosk.mediator_screen("mediator"))
    ]
    return _page(kiosk, "mediator_status", tr("État des appareils"), lines, actions, pictogram="settings")


def bar(kiosk: KioskController) -> list[Action]:
    """The persistent bar, in the same order and place on every screen."""
    tr = kiosk.tr
    on_home = kiosk.location.name == "home"
    return [
        Action("bar_home", tr("Accueil"), "home", kiosk.go_home),
        Action("bar_back", tr("Retour"), "back", kiosk.back, enabled=not on_home),
        Action("bar_listen", tr("Écouter"), "listen", kiosk.listen),
        Action("bar_help", tr("Aide"), "help", kiosk.ask_help),
        Action("bar_bigger", tr("Texte plus grand"), "bigger", kiosk.bigger_text),
    ]


def test_receipt(kiosk: KioskController) -> ReceiptDocument:
    """The mediator's test ticket: the site's name and the kiosk id, nothing of a citizen."""
    tr = kiosk.tr
    return ReceiptDocument(
        lines=[
            ReceiptLine(tr("Ticket de test"), LineStyle.TITLE),
            ReceiptLine(kiosk.config.site.name),
            ReceiptLine(kiosk.config.kiosk_id),
        ],
    )


_RENDERERS = {
    "home": _home,
    "settings": _settings,
    "catalogue": _catalogue,
    "step": _step,
    "summary": _summary,
    "receipt": _receipt,
    "feedback": _feedback,
    "help": _help,
    "idle": _idle,
    "mediator_pin": _mediator_pin,
    "mediator": _mediator,
    "mediator_preview": _mediator_preview,
    "mediator_status": _mediator_status,
}
