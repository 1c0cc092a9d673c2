"""What goes on paper, decoded from the bytes: code page, French and euro, widths, QR codes, the
citizen's language (text, or an image for Arabic), and the cut last."""

from __future__ import annotations

import pytest
import qrcode
from PIL import Image

from accessibility.fonts import ARABIC_FONT
from devices.printer import LineStyle, ReceiptDocument, ReceiptLine, ReceiptPart, receipt_text
from devices.printer.codepage import CodePage, choose_code_page
from devices.printer.layout import to_bytes
from devices.printer.profile import printer_profile
from devices.printer.qr import CHECKLIST_MAX_BYTES, SHORTENED_MARK, checklist_code, fit_checklist, url_code
from devices.printer.raster import MARGIN, text_image, visual

from support.fake_printer import decode, qr_payloads, raster_images, text_lines

P80, P58 = printer_profile(80), printer_profile(58)
URL = "https://www.service-public.gouv.fr/particuliers/vosdroits/F1341"
CHECKLIST = "Carte d'identité\nCe que vous devez faire :\n- Prendre rendez-vous\nDocuments :\n- Photo"

DOCUMENT = ReceiptDocument(
    lines=[
        ReceiptLine("Carte d'identité", LineStyle.TITLE),
        ReceiptLine("Les documents à apporter", LineStyle.HEADING),
        ReceiptLine("Une photo d'identité de moins de six mois, conforme aux normes", LineStyle.MISSING),
        ReceiptLine("Timbre fiscal : 86 € pour un renouvellement après une perte", LineStyle.CHECKED),
        ReceiptLine("Élève, cœur, « mot » et l’apostrophe"),
    ],
    qr_url=URL,
    qr_caption="Faire la demande en ligne",
    footer=["Source : service-public.fr, fiche F1341, vérifiée le 01/03/2025"],
    checklist=CHECKLIST,
    checklist_caption="Photographiez ce code : la liste reste sur votre téléphone.",
)

ARABIC = ReceiptPart(
    "ar",
    [ReceiptLine("بطاقة الهوية", LineStyle.TITLE), ReceiptLine("صورة هوية حديثة", LineStyle.MISSING)],
    right_to_left=True,
    font=ARABIC_FONT,
)
ENGLISH = ReceiptPart("en", [ReceiptLine("Identity card", LineStyle.TITLE), ReceiptLine("A recent photo")])


def with_translation(part: ReceiptPart, **changes: object) -> ReceiptDocument:
    fields = {**DOCUMENT.__dict__, "translation": part, **changes}
    return ReceiptDocument(**fields)  # type: ignore[arg-type]


# -- code page and French ------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "number"), [(P80, 19), (P58, 53)])
def test_the_code_page_is_chosen_once_right_after_reset(profile, number) -> None:
    commands = decode(to_bytes(DOCUMENT, profile))
    assert commands[0].name == "init" and commands[1] == commands[1].__class__("codepage", bytes((number,)))
    assert profile.code_page.name == "CP858"  # accents and the euro, as the profile numbers it
    assert [c for c in commands if c.name == "codepage"] == [commands[1]]  # never switched again


def test_french_letters_and_the_euro_sign_are_cp858_bytes() -> None:
    data = to_bytes(DOCUMENT)
    assert b"Carte d'identit\x82" in data  # é
    assert b"86 \xd5" in data  # €
    assert b"\x90l\x8ave, coeur, \xae mot \xaf et l'apostrophe" in data  # É è « » ; œ and ’ as typed
    assert "Timbre fiscal : 86 €" in "\n".join(text_lines(data))


def test_a_printer_without_cp858_gets_the_next_code_page_that_has_the_euro() -> None:
    assert choose_code_page({"CP437": 0, "CP1252": 16}) == CodePage("CP1252", 16, "cp1252")
    assert choose_code_page({"CP850": 2}).encode("86 €") == b"86 EUR"  # no euro in CP850
    assert choose_code_page({}).number == 0  # the power-on default page


def test_control_characters_in_text_cannot_become_commands() -> None:
    data = to_bytes(ReceiptDocument(lines=[ReceiptLine("A\x1bd\x10\x04\x01B\x1dV\x00C")]))
    assert "AdBVC" in text_lines(data)


# -- widths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "columns"), [(P58, 32), (P80, 42), (printer_profile(80, "TM-T20II"), 48)]
)
def test_lines_are_wrapped_to_the_paper_width(profile, columns) -> None:
    assert profile.columns == columns
    lines = text_lines(to_bytes(DOCUMENT, profile), profile.code_page.codec)
    body = [line for line in lines if line and not line.startswith("-")]
    assert max(len(line) for line in body) <= columns
    assert any(len(line) > columns - 8 for line in body), "long lines use the width"
    title = lines[0]
    assert len(title) <= columns // 2  # double width


@pytest.mark.parametrize("profile", [P58, P80])
def test_the_printed_text_is_the_plain_text_image(profile) -> None:
    """receipt_text shows what layout prints (centring aside: the printer centres)."""
    printed = [line.strip() for line in text_lines(to_bytes(DOCUMENT, profile)) if line.strip()]
    shown = [line.strip() for line in receipt_text(DOCUMENT, profile.columns).splitlines()]
    expected = [line for line in shown if line and line != "[QR code]"]
    assert [line.replace("oe", "œ").replace("'a", "’a") for line in printed] == expected


def test_plain_text_fits_58_mm() -> None:
    text = receipt_text(DOCUMENT, 32)
    assert max(len(line) for line in text.splitlines()) <= 32
    assert "[ ] Une photo" in text and text.count("[QR code]") == 2


# -- QR codes ------------------------------------------------------------------------------


def test_the_80_mm_printer_draws_both_codes_itself() -> None:
    data = to_bytes(DOCUMENT, P80)
    assert qr_payloads(data) == [URL.encode(), CHECKLIST.encode("utf-8")]
    assert raster_images(data) == []
    sizes = [c.data[2] for c in decode(data) if c.name == "qr" and c.data[:2] == b"1C"]
    levels = [c.data[2:3] for c in decode(data) if c.name == "qr" and c.data[:2] == b"1E"]
    assert all(3 <= size <= 8 for size in sizes) and levels == [b"1", b"0"]  # M for the URL, L for the list
    lines = text_lines(data)
    assert lines.index("Faire la demande en ligne") < lines.index(
        "Photographiez ce code : la liste reste sur"
    )


def test_a_58_mm_pos58_gets_its_codes_as_images_as_wide_as_the_paper() -> None:
    data = to_bytes(DOCUMENT, P58)
    assert qr_payloads(data) == []
    assert raster_images(data)[:2] and all(width == 384 for width, _ in raster_images(data))


def test_a_long_checklist_is_shortened_at_a_line_within_the_bound() -> None:
    long_list = "\n".join(f"- Étape {n} : apporter le justificatif numéro {n}" for n in range(60))
    assert len(long_list.encode()) > 2 * CHECKLIST_MAX_BYTES
    payload = qr_payloads(to_bytes(with_translation(ENGLISH, checklist=long_list)))[1]
    assert len(payload) <= CHECKLIST_MAX_BYTES
    text = payload.decode("utf-8")
    assert text.endswith("\n" + SHORTENED_MARK) and long_list.startswith(
        text.removesuffix("\n" + SHORTENED_MARK)
    )
    assert fit_checklist(CHECKLIST) == CHECKLIST


def test_the_bound_keeps_the_code_small_enough_for_a_phone() -> None:
    worst = "é" * (CHECKLIST_MAX_BYTES // 2)  # two bytes each: exactly the bound
    code = checklist_code(worst)
    maker = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L)
    maker.add_data(code.payload.encode())
    maker.make(fit=True)
    assert maker.version <= 17 and code.module_dots(384) >= 4 and code.module_dots(512) >= 5
    arabic = fit_checklist("بطاقة الهوية\n" + "\n".join("- صورة هوية حديثة" for _ in range(40)))
    assert len(arabic.encode()) <= CHECKLIST_MAX_BYTES and arabic.endswith(SHORTENED_MARK)
    assert len(fit_checklist("x" * 2000).encode()) <= CHECKLIST_MAX_BYTES  # one long line is cut


def test_a_url_too_long_for_a_readable_code_is_refused() -> None:
    with pytest.raises(ValueError, match="bytes"):
        url_code("https://example.org/" + "a" * 400)


# -- the citizen's language ----------------------------------------------------------------


def test_english_is_printed_as_text_after_the_french() -> None:
    data = to_bytes(with_translation(ENGLISH))
    lines = text_lines(data)
    assert lines.index("Carte d'identité") < lines.index("-" * 42) < lines.index("Identity card")
    assert raster_images(data) == []


def test_arabic_is_printed_as_an_image_as_wide_as_the_paper() -> None:
    for profile in (P80, P58):
        data = to_bytes(with_translation(ARABIC), profile)
        images = raster_images(data)
        assert images and images[0][0] == profile.dots  # the part, before any QR image
        assert "بطاقة" not in "\n".join(text_lines(data, profile.code_page.codec))
    assert b"?" * 4 not in to_bytes(with_translation(ARABIC))  # no letter went through a code page


def test_an_arabic_caption_is_an_image_too() -> None:
    document = with_translation(ARABIC, qr_caption="اطلب بطاقتك عبر الإنترنت", checklist="")
    assert len(raster_images(to_bytes(document))) == 2  # the part, and the caption


def test_a_right_to_left_part_needs_a_font() -> None:
    with pytest.raises(ValueError, match="font"):
        to_bytes(with_translation(ReceiptPart("ar", ARABIC.lines, right_to_left=True)))


def test_arabic_lines_are_shaped_ordered_and_right_aligned() -> None:
    shown = visual("بطاقة")
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in shown)  # presentation forms: joined letters
    assert shown[0] == "\ufe94"  # visual order: the last letter (final teh marbuta) is drawn first
    image = text_image([ReceiptLine("بطاقة")], ARABIC_FONT, 512)
    assert image.size[0] == 512 and image.mode == "1"
    left, _, right, _ = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    assert 512 - MARGIN - 4 <= right <= 512 and left > 256  # ink at the right margin only


def test_the_receipt_ends_with_a_feed_and_a_cut() -> None:
    for document in (DOCUMENT, with_translation(ARABIC)):
        commands = decode(to_bytes(document, P80))
        assert commands[-2:] == [
            commands[-2].__class__("feed", b"\x06"),
            commands[-1].__class__("cut", b"\x00"),
        ]
    # A POS-58 has no cutter (its profile says so): it feeds past the tear bar.
    assert decode(to_bytes(DOCUMENT, P58))[-1].name == "feed"
