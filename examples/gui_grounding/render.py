"""Pillow drawings of the procedural layouts (procedural.py screens, vision_zero_games.py scenes) as PNG bytes.

Generated pictures, not real screenshots: flat windows, title bars, menus, buttons and text in
Pillow's default font, so the demo needs no image files or fonts from anywhere else.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFont

import procedural as P
import vision_zero_games as V

WORDS = ("the quarterly budget draft needs review before friday and the notes from the last meeting list "
         "three open items for the design team including export settings and sharing").split()


def _font(size):
    try:
        return ImageFont.load_default(size=size)  # Pillow >= 10.1: a scalable built-in font
    except TypeError:
        return ImageFont.load_default()


FONT, FONT_BOLD, FONT_SMALL = _font(14), _font(15), _font(12)


def _centred(draw, box, text, font, fill):
    l, t, r, b = draw.textbbox((0, 0), text, font=font)
    x = (box[0] + box[2] - (r - l)) / 2 - l
    y = (box[1] + box[3] - (b - t)) / 2 - t
    draw.text((x, y), text, font=font, fill=fill)


def _png(img):
    buf = io.BytesIO()
    # compress_level 3: ~2× faster than the default for flat UI pictures, at a few percent more bytes.
    img.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def screen_png(layout):
    img = Image.new("RGB", (P.WIDTH, P.HEIGHT), (228, 232, 238))
    d = ImageDraw.Draw(img)
    rng = random.Random(layout["seed"])
    accent = tuple(layout["accent"])
    # Desktop wallpaper band and a taskbar with the clock.
    d.rectangle([0, 0, P.WIDTH, P.HEIGHT], fill=tuple(max(0, c - 60) for c in accent))
    d.rectangle([0, P.HEIGHT - 40, P.WIDTH, P.HEIGHT], fill=(30, 32, 36))
    for i, name in enumerate(["Files", "Mail", "Browser", "Terminal"]):
        d.rounded_rectangle([12 + 96 * i, P.HEIGHT - 34, 100 + 96 * i, P.HEIGHT - 6], 5, fill=(58, 60, 66))
        _centred(d, [12 + 96 * i, P.HEIGHT - 34, 100 + 96 * i, P.HEIGHT - 6], name, FONT_SMALL, (230, 230, 230))
    _centred(d, [P.WIDTH - 90, P.HEIGHT - 34, P.WIDTH - 10, P.HEIGHT - 6], "10:42", FONT_SMALL, (230, 230, 230))
    x0, y0, x1, y1 = layout["window"]
    d.rectangle([x0 + 4, y0 + 6, x1 + 4, y1 + 6], fill=(0, 0, 0))  # shadow
    d.rectangle([x0, y0, x1, y1], fill=(250, 250, 252), outline=(150, 150, 160))
    d.rectangle([x0, y0, x1, y0 + 32], fill=accent)
    _centred(d, [x0, y0, x1, y0 + 32], layout["title"], FONT_BOLD, (255, 255, 255))
    for i, c in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):
        d.ellipse([x1 - 74 + 22 * i, y0 + 10, x1 - 62 + 22 * i, y0 + 22], fill=c)
    d.rectangle([x0, y0 + 32, x1, y0 + 60], fill=(240, 240, 244))
    d.line([x0, y0 + 100, x1, y0 + 100], fill=(210, 210, 218))
    d.rectangle([x0, y0 + 101, x0 + 202, y1], fill=(236, 238, 242))
    # Body text in the content area, greyed words in lines.
    ty = y0 + 150
    for _ in range(layout["paragraphs"]):
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 16)))
        if ty > y1 - 30:
            break
        d.text((x0 + 224, ty), line, font=FONT, fill=(90, 90, 100))
        ty += 26 + (14 if rng.random() < 0.3 else 0)
    dialog = layout["dialog"]
    if dialog:
        bx0, by0, bx1, by1 = dialog["box"]
        d.rectangle([bx0 + 6, by0 + 8, bx1 + 6, by1 + 8], fill=(120, 120, 130))
        d.rectangle(dialog["box"], fill=(255, 255, 255), outline=(120, 120, 130))
        d.text((bx0 + 20, by0 + 18), dialog["title"], font=FONT_BOLD, fill=(20, 20, 30))
        d.text((bx0 + 20, by0 + 52), dialog["message"], font=FONT, fill=(60, 60, 70))
    for e in layout["elements"]:
        b = e["box"]
        if e["kind"] == "menu":
            _centred(d, b, e["label"], FONT, (30, 30, 40))
        elif e["kind"] == "item":
            l, t, r, bottom = d.textbbox((0, 0), e["label"], font=FONT)
            d.text((b[0] + 12 - l, (b[1] + b[3] - (bottom - t)) / 2 - t), e["label"], font=FONT, fill=(40, 40, 50))
        elif e["kind"] == "tab":
            d.rectangle(b, fill=(255, 255, 255), outline=(200, 200, 210))
            _centred(d, b, e["label"], FONT, (40, 40, 50))
        else:
            primary = e is _default_button(layout)
            d.rounded_rectangle(b, 6, fill=accent if primary else (244, 245, 248), outline=(160, 162, 170))
            _centred(d, b, e["label"], FONT, (255, 255, 255) if primary else (30, 30, 40))
    return _png(img)


def _default_button(layout):
    """The dialog's rightmost button, drawn in the accent colour as dialogs draw their default action."""
    if not layout["dialog"]:
        return None
    top = layout["dialog"]["box"][1]
    buttons = [e for e in layout["elements"] if e["kind"] == "button" and e["box"][1] >= top]
    return max(buttons, key=lambda e: e["box"][2], default=None)


RGB = {"red": (214, 48, 49), "green": (39, 174, 96), "blue": (41, 128, 185), "yellow": (241, 196, 15),
       "purple": (142, 68, 173)}


def scene_png(shapes):
    """A player's picture. Unlabelled: the non-spies' pictures are the same bytes, stored once."""
    img = Image.new("RGB", (V.SCENE_W, V.SCENE_H), (236, 236, 232))
    d = ImageDraw.Draw(img)
    d.rectangle([0, V.SCENE_H / 2, V.SCENE_W, V.SCENE_H], fill=(214, 214, 208))  # a floor
    for s in shapes:
        (cx, cy), r, fill = s["centre"], s["r"], RGB[s["colour"]]
        if s["kind"] == "circle":
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill, outline=(40, 40, 40))
        elif s["kind"] == "square":
            d.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fill, outline=(40, 40, 40))
        else:
            d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fill, outline=(40, 40, 40))
    return _png(img)
