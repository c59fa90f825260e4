"""The GUI-grounding demo run, without pixels: screen layouts, instructions, predicted boxes and rewards.

Procedural, not a model. Stdlib only, so test/python checks it with system python3; render.py draws
the layouts with Pillow and make_run.py writes the run.

The story the numbers tell is the box-size hacking GUI-G1 describes (Zhou et al., arXiv 2505.15810;
docs/algorithms.md, box_growth): under an IoU-only reward the policy's boxes drift onto the target
(the hit rate rises) and at the same time grow well past it, which the `box_growth` alert reports.
"""

import math
import random

SEED = 20250521
WIDTH, HEIGHT = 1280, 800
STEPS, GROUPS, G = 12, 8, 8
SCREENS = 24  # distinct screenshots; prompts recur on them with other targets, as datasets do

APPS = [("Notes", "Meeting notes.txt"), ("Mail", "Inbox"), ("Sheets", "Budget 2025.xlsx"), ("Photos", "Holiday"),
        ("Writer", "Report draft.docx"), ("Files", "Documents"), ("Music", "Library"), ("Calendar", "Week 21")]
MENUS = ["File", "Edit", "View", "Insert", "Format", "Tools", "Window", "Help"]
TOOLS = ["New", "Open", "Save", "Print", "Undo", "Redo", "Share", "Export", "Search", "Settings", "Upload", "Copy link"]
SIDEBARS = [["Inbox", "Drafts", "Sent", "Archive", "Trash"], ["Home", "Documents", "Downloads", "Pictures", "Music"],
            ["All notes", "Favourites", "Shared", "Tags", "Recently deleted"]]
TABS = [["General", "Privacy", "Advanced"], ["Layout", "Review", "Comments"]]
DIALOGS = [("Save changes?", "Do you want to save the changes you made?", ["Don't Save", "Cancel", "Save"]),
           ("Delete file?", "This item will be moved to the bin.", ["Cancel", "Delete"]),
           ("Export", "Choose where to export the selection.", ["Browse", "Cancel", "Export"]),
           ("Sign in", "Your session has expired.", ["Later", "Sign in"]),
           ("Replace file?", "A file with this name already exists.", ["Keep both", "Replace"])]
PALETTE = [(52, 101, 164), (78, 154, 6), (117, 80, 123), (196, 160, 0), (204, 0, 0), (85, 87, 83), (32, 74, 135)]

# How the policy drifts over the steps (fractions of the target's width/height).
CENTRE_SIGMA = (0.9, 0.25)  # centre noise at the first and last step: the hit rate rises
SIZE_SCALE = (0.9, 2.3)  # per-side size multiplier at the first and last step: the boxes grow
WRONG_ELEMENT = (0.25, 0.03)  # chance a box lands on another element


def text_width(label):
    """Rough label width in pixels at the default 14 px font (render.py centres the text; the box is the widget)."""
    return 8 * len(label)


def _el(kind, label, box):
    return {"kind": kind, "label": label, "box": [int(v) for v in box]}


def screen_layout(k):
    """Screen k: a desktop with one application window (menus, toolbar, sidebar, tabs) and sometimes a dialog."""
    rng = random.Random(f"{SEED}:screen:{k}")
    app, doc = APPS[k % len(APPS)]
    accent = PALETTE[rng.randrange(len(PALETTE))]
    x0, y0 = rng.randrange(30, 120), rng.randrange(24, 60)
    x1, y1 = x0 + rng.randrange(940, 1120), y0 + rng.randrange(600, 690)
    x1, y1 = min(x1, WIDTH - 20), min(y1, HEIGHT - 56)
    els = []
    # Menu bar under a 32 px title bar.
    x = x0 + 8
    for m in MENUS[: rng.randrange(4, len(MENUS) + 1)]:
        w = text_width(m) + 16
        els.append(_el("menu", m, (x, y0 + 34, x + w, y0 + 58)))
        x += w + 2
    # Toolbar buttons.
    x = x0 + 10
    for t in rng.sample(TOOLS, rng.randrange(4, 8)):
        w = max(56, text_width(t) + 20)
        els.append(_el("button", t, (x, y0 + 64, x + w, y0 + 94)))
        x += w + 8
    # Sidebar.
    side = SIDEBARS[rng.randrange(len(SIDEBARS))]
    for i, s in enumerate(side):
        els.append(_el("item", s, (x0 + 6, y0 + 110 + 34 * i, x0 + 196, y0 + 138 + 34 * i)))
    # Tabs over the content area.
    if rng.random() < 0.5:
        x = x0 + 220
        for t in TABS[rng.randrange(len(TABS))]:
            w = text_width(t) + 28
            els.append(_el("tab", t, (x, y0 + 104, x + w, y0 + 132)))
            x += w + 4
    dialog = None
    if rng.random() < 0.6:
        title, message, buttons = DIALOGS[rng.randrange(len(DIALOGS))]
        dw, dh = 440, 190
        dx = rng.randrange(x0 + 240, max(x0 + 241, x1 - dw - 20))
        dy = rng.randrange(y0 + 180, max(y0 + 181, y1 - dh - 20))
        dialog = {"title": title, "message": message, "box": [dx, dy, dx + dw, dy + dh]}
        bx = dx + dw - 16
        for b in reversed(buttons):
            w = max(84, text_width(b) + 24)
            els.append(_el("button", b, (bx - w, dy + dh - 48, bx, dy + dh - 16)))
            bx -= w + 10
    return {"index": k, "app": app, "title": f"{doc} - {app}", "accent": list(accent),
            "window": [x0, y0, x1, y1], "dialog": dialog, "elements": els,
            "paragraphs": rng.randrange(5, 11), "seed": rng.randrange(1 << 30)}


def instruction(el):
    """The user's words for an element: "click Save", "open the File menu"…"""
    if el["kind"] == "menu":
        return f"open the {el['label']} menu"
    if el["kind"] == "tab":
        return f"switch to the {el['label']} tab"
    if el["kind"] == "item":
        return f"go to {el['label']}"
    return f"click {el['label']}"


def prompt_text(instr):
    return ("<image>\nYou are looking at a screenshot of a desktop application. Find the UI element for the "
            f'instruction "{instr}". Think first, then give its bounding box in pixels as '
            '<think>...</think><answer>{"bbox_2d": [x1, y1, x2, y2]}</answer>.')


def group_prompt(step, group):
    """(screen index, target element) of one group: each (step, group) is a different prompt."""
    k = (step * GROUPS + group) % SCREENS
    layout = screen_layout(k)
    counts = {}
    for e in layout["elements"]:
        counts[e["label"]] = counts.get(e["label"], 0) + 1
    unique = [e for e in layout["elements"] if counts[e["label"]] == 1]  # an instruction must name one element
    rng = random.Random(f"{SEED}:target:{step}:{group}")
    return k, layout, unique[rng.randrange(len(unique))]


def _lerp(pair, p):
    return pair[0] + (pair[1] - pair[0]) * p


def predicted_boxes(step, group, target, others):
    """G predicted boxes for a group: noisy around the target (or another element), growing with the step."""
    rng = random.Random(f"{SEED}:boxes:{step}:{group}")
    p = step / (STEPS - 1)
    out = []
    for _ in range(G):
        aim = target
        if others and rng.random() < _lerp(WRONG_ELEMENT, p):
            aim = others[rng.randrange(len(others))]
        x1, y1, x2, y2 = aim
        w, h = x2 - x1, y2 - y1
        sigma = _lerp(CENTRE_SIGMA, p)
        cx = (x1 + x2) / 2 + rng.gauss(0, sigma) * w
        cy = (y1 + y2) / 2 + rng.gauss(0, sigma) * h
        scale = _lerp(SIZE_SCALE, p) * math.exp(rng.gauss(0, 0.12))
        hw, hh = w * scale / 2, h * scale / 2
        box = [round(max(0, cx - hw)), round(max(0, cy - hh)), round(min(WIDTH, cx + hw)), round(min(HEIGHT, cy + hh))]
        out.append(box)
    return out


def box_area(b):
    return abs(b[2] - b[0]) * abs(b[3] - b[1])


def iou(a, b):
    """Plain IoU in continuous pixel coordinates (the extension's IoU column computes the same)."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    inter = iw * ih if iw > 0 and ih > 0 else 0
    union = box_area(a) + box_area(b) - inter
    return inter / union if union > 0 else 0.0


def hit(pred, gt):
    """1 when the predicted box's centre is inside the target, edges included (GUI-G1's hit)."""
    cx, cy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    return 1 if gt[0] <= cx <= gt[2] and gt[1] <= cy <= gt[3] else 0


def components(pred, gt):
    """The logged components; the reward is the IoU alone (the IoU-only reward that invites growth)."""
    return {"iou": round(iou(pred, gt), 6), "hit": hit(pred, gt), "box_area": box_area(pred)}


THOUGHTS = [
    "The instruction asks me to {instr}. In the {app} window I can see '{label}' {where}, so I will box that {kind}.",
    "I need the element that lets me {instr}. '{label}' appears {where}; that is the {kind} to select.",
    "Scanning the screenshot for '{label}': it is {where}. The {kind} is the target.",
]


def where(el, layout):
    if layout["dialog"] and el["kind"] == "button" and el["box"][1] >= layout["dialog"]["box"][1]:
        return f"at the bottom of the '{layout['dialog']['title']}' dialog"
    return {"menu": "in the menu bar", "button": "in the toolbar", "item": "in the sidebar", "tab": "above the content"}[el["kind"]]


def response_text(step, group, i, pred, layout, el, instr):
    rng = random.Random(f"{SEED}:text:{step}:{group}:{i}")
    kind = {"item": "sidebar entry"}.get(el["kind"], el["kind"])
    thought = THOUGHTS[rng.randrange(len(THOUGHTS))].format(
        instr=instr, app=layout["app"], label=el["label"], where=where(el, layout), kind=kind)
    return f'<think>{thought}</think><answer>{{"bbox_2d": [{pred[0]}, {pred[1]}, {pred[2]}, {pred[3]}]}}</answer>'


def samples():
    """Every sample of the run, in write order: dicts with the writer's fields and the screen index."""
    for step in range(STEPS):
        for group in range(GROUPS):
            k, layout, el = group_prompt(step, group)
            others = [e["box"] for e in layout["elements"] if e is not el]
            instr = instruction(el)
            gt = el["box"]
            for i, pred in enumerate(predicted_boxes(step, group, gt, others)):
                comps = components(pred, gt)
                yield {
                    "screen": k, "step": step, "group": f"{step}-{group}", "prompt": prompt_text(instr),
                    "response": response_text(step, group, i, pred, layout, el, instr), "reward": comps["iou"],
                    "components": comps, "correct": comps["hit"] == 1,
                    "ground_truth": {"bbox_2d": gt, "width": WIDTH, "height": HEIGHT},
                    "boxes": {"pred": [pred], "gt": [gt], "image": 0, "frame": "original"},
                    "meta": {"instruction": instr, "target": el["label"], "target_kind": el["kind"], "procedural": True},
                }
