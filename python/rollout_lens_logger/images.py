"""Images and boxes for RolloutWriter (stdlib only; Pillow is used only if the caller hands in a PIL image).

An image given to the writer becomes an image reference in the native line (docs/native-format.md,
"images and boxes"): ``{"path": "images/<sha256>.<ext>", "width": W, "height": H}``. Why this way:

- the bytes are stored once per content (SHA-256 of the bytes names the file), so a screenshot that
  eight samples of a group share, or a prompt that recurs every epoch, costs one file;
- the path is relative to the rollout file's folder, so the run folder can be moved or copied whole;
- the type comes from the magic bytes, never the file name, and only the types the extension decodes
  (PNG, JPEG, WebP, GIF) are accepted: SVG can carry script, and an unknown type would only become a
  placeholder later, so both are refused here, when the caller can still fix it;
- width and height are read from the header in original pixels, which is what the boxes are in.
"""

import hashlib
import io
import math
import os
import struct
import threading

# The extension refuses larger images (src/shared/media.ts MAX_IMAGE_BYTES); refusing here says so earlier.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_SOURCE_KEYS = ("path", "url", "dataset")
BOX_KEYS = ("pred", "gt", "image", "frame", "input_size")

# JPEG start-of-frame markers (the ones that carry the frame size): C0-CF except DHT C4, JPG C8, DAC CC.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def sniff_type(data):
    """The extension for image bytes (png/jpg/webp/gif) from their magic bytes; None when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def looks_like_svg(data):
    head = bytes(data[:1024]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head


def _png_size(data):
    # The IHDR chunk is first: length (4), "IHDR" (4), width (4), height (4), big-endian.
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ValueError("PNG without an IHDR chunk")
    return struct.unpack(">II", data[16:24])


def _gif_size(data):
    if len(data) < 10:
        raise ValueError("GIF header cut short")
    return struct.unpack("<HH", data[6:10])


def _webp_size(data):
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        # Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
        if data[23:26] != b"\x9d\x01\x2a":
            raise ValueError("WebP VP8 frame without its start code")
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        # Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
        if data[20] != 0x2F:
            raise ValueError("WebP VP8L frame without its signature")
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        # Extended: the canvas size, width-1 and height-1 as 24-bit little-endian numbers.
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    raise ValueError(f"WebP with an unknown first chunk {bytes(chunk)!r}")


def _jpeg_size(data):
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise ValueError(f"JPEG marker expected at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):
            break  # end of image / start of scan before any frame header
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF_MARKERS:
            if i + 9 > n:
                break
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise ValueError("JPEG without a frame header (SOF) before the image data")


_SIZE_READERS = {"png": _png_size, "gif": _gif_size, "webp": _webp_size, "jpg": _jpeg_size}


def image_info(data, what):
    """(ext, width, height) of image bytes; ValueError naming ``what`` for SVG, unknown or broken images."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"{what}: {len(data)} bytes is over the {MAX_IMAGE_BYTES}-byte limit for images")
    ext = sniff_type(data)
    if ext is None:
        if looks_like_svg(data):
            raise ValueError(f"{what}: SVG images are refused (they can carry script); convert it to PNG")
        raise ValueError(f"{what}: not a PNG, JPEG, WebP or GIF image (first bytes {bytes(data[:8])!r})")
    try:
        width, height = _SIZE_READERS[ext](data)
    except (ValueError, struct.error, IndexError) as e:
        raise ValueError(f"{what}: broken {ext} header: {e}") from None
    return ext, width, height


def _is_pil_like(obj):
    return callable(getattr(obj, "save", None)) and not isinstance(obj, (str, bytes, bytearray, memoryview))


class ImageStore:
    """Turns the images a sample is logged with into references, storing each content once under ``folder/images``."""

    def __init__(self, folder, copy_images=True):
        self.folder = os.path.abspath(folder)
        self.copy_images = copy_images
        self._known = set()  # file names already on disk (or written by this store)
        self._by_path = {}  # (abspath, mtime_ns, size, copy) -> ref: a file logged for every sample is read once

    def ref(self, item, what, copy_images=None):
        """The reference for one item: a path, bytes, a PIL image, or a ready reference dict (validated)."""
        copy = self.copy_images if copy_images is None else copy_images
        if isinstance(item, dict):
            return _check_ref(item, what)
        if isinstance(item, (bytes, bytearray, memoryview)):
            return self._store(bytes(item), what)
        if isinstance(item, (str, os.PathLike)):
            return self._from_path(os.fspath(item), what, copy)
        if _is_pil_like(item):
            buf = io.BytesIO()
            # PNG: lossless, and the same pixels give the same bytes, so the same image dedups.
            item.save(buf, format="PNG")
            return self._store(buf.getvalue(), what)
        raise ValueError(f"{what}: an image must be a file path, bytes or a PIL image, got {type(item).__name__}")

    def refs(self, items, what, copy_images=None):
        if isinstance(items, (str, bytes, bytearray, os.PathLike, dict)) or _is_pil_like(items):
            raise ValueError(f"{what} must be a list of images, got one {type(items).__name__}")
        return [self.ref(x, f"{what}[{i}]", copy_images) for i, x in enumerate(items)]

    def _from_path(self, path, what, copy):
        path = os.path.abspath(path)
        try:
            st = os.stat(path)
        except OSError as e:
            raise ValueError(f"{what}: cannot read image file {path}: {e.strerror}") from None
        key = (path, st.st_mtime_ns, st.st_size, copy)
        cached = self._by_path.get(key)
        if cached is not None:
            return dict(cached)
        with open(path, "rb") as f:
            data = f.read()
        if copy:
            ref = self._store(data, f"{what} ({path})")
        else:
            _, w, h = image_info(data, f"{what} ({path})")
            ref = {"path": path, "width": w, "height": h}
        self._by_path[key] = ref
        return dict(ref)

    def _store(self, data, what):
        ext, w, h = image_info(data, what)
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        if name not in self._known:
            target = os.path.join(self.folder, "images", name)
            if not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                # Written aside and renamed: a reader (or another writer of the same image) never
                # sees half a file, and two threads or processes storing the same content both succeed.
                tmp = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"  # one per writer thread
                with open(tmp, "wb") as f:
                    f.write(data)
                os.replace(tmp, target)
            self._known.add(name)
        return {"path": f"images/{name}", "width": w, "height": h}


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_ref(ref, what):
    sources = [k for k in IMAGE_SOURCE_KEYS if k in ref]
    if len(sources) != 1:
        raise ValueError(f"{what}: an image reference needs exactly one of {', '.join(IMAGE_SOURCE_KEYS)}, got {sorted(ref)}")
    if "dataset" in ref and not (isinstance(ref.get("row"), int) and isinstance(ref.get("column"), str)):
        raise ValueError(f"{what}: a dataset reference needs an int 'row' and a str 'column'")
    if "url" in ref and str(ref["url"]).startswith("data:image/svg"):
        raise ValueError(f"{what}: SVG images are refused (they can carry script); convert it to PNG")
    for k in ("width", "height"):
        if k in ref and not (isinstance(ref[k], int) and not isinstance(ref[k], bool) and ref[k] > 0):
            raise ValueError(f"{what}.{k} must be a positive int, got {ref[k]!r}")
    return dict(ref)


def _box_list(value, what):
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list of [x1, y1, x2, y2] boxes")
    if len(value) == 4 and all(_number(v) for v in value):
        value = [value]  # one box given bare
    out = []
    for i, b in enumerate(value):
        if not isinstance(b, (list, tuple)) or len(b) != 4 or not all(_number(v) for v in b):
            raise ValueError(f"{what}[{i}] must be 4 finite numbers [x1, y1, x2, y2], got {b!r}")
        out.append(list(b))
    return out


def check_boxes(boxes, image_count, what):
    """Validated ``boxes``: pred/gt lists of 4 numbers, image index, frame, input_size (docs/native-format.md)."""
    if not isinstance(boxes, dict):
        raise ValueError(f"{what} must be a dict with 'pred' and/or 'gt', got {type(boxes).__name__}")
    unknown = set(boxes) - set(BOX_KEYS)
    if unknown:
        raise ValueError(f"{what}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(BOX_KEYS)}")
    out = {"pred": _box_list(boxes.get("pred", []), f"{what}.pred"), "gt": _box_list(boxes.get("gt", []), f"{what}.gt")}
    image = boxes.get("image", 0)
    if isinstance(image, bool) or not isinstance(image, int) or image < 0:
        raise ValueError(f"{what}.image must be an int >= 0 (an index into the sample's images), got {image!r}")
    if image_count and image >= image_count:
        raise ValueError(f"{what}.image is {image} but the sample has {image_count} image(s)")
    out["image"] = image
    frame = boxes.get("frame", "original")
    if frame not in ("original", "input"):
        raise ValueError(f"{what}.frame must be 'original' or 'input', got {frame!r}")
    out["frame"] = frame
    if boxes.get("input_size") is not None:
        size = boxes["input_size"]
        if not isinstance(size, (list, tuple)) or len(size) != 2 or not all(_number(v) and v > 0 for v in size):
            raise ValueError(f"{what}.input_size must be [width, height] > 0, got {size!r}")
        out["input_size"] = list(size)
    return out


def check_video(video, rollout_dir, what):
    """Validated ``video``: a path (kept relative when it lies under the rollout file's folder, else made
    absolute; videos are never copied) and an optional duration in seconds > 0 (docs/native-format.md)."""
    if isinstance(video, (str, os.PathLike)):
        video = {"path": video}
    if not isinstance(video, dict) or not video.get("path"):
        raise ValueError(f"{what} must be a path or a dict {{'path': ..., 'duration': seconds}}, got {video!r}")
    unknown = set(video) - {"path", "duration"}
    if unknown:
        raise ValueError(f"{what}: unknown key(s) {sorted(unknown)}; allowed: path, duration")
    path = os.path.abspath(os.fspath(video["path"]))
    rel = os.path.relpath(path, rollout_dir)
    out = {"path": path if rel.startswith("..") else rel}
    duration = video.get("duration")
    if duration is not None:
        if not _number(duration) or not math.isfinite(duration) or duration <= 0:
            raise ValueError(f"{what}.duration must be a number of seconds > 0, got {duration!r}")
        out["duration"] = duration
    return out


def _segment_list(value, what):
    if value is None:
        return []
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(_number(v) for v in value):
        value = [value]  # one bare segment
    out = []
    for i, seg in enumerate(value):
        if not isinstance(seg, (list, tuple)) or len(seg) != 2 or not all(_number(v) and math.isfinite(v) for v in seg):
            raise ValueError(f"{what}[{i}] must be [start, end] in seconds, got {seg!r}")
        out.append([seg[0], seg[1]])
    return out


def check_segments(segments, what):
    """Validated ``segments``: pred/gt lists of [start, end] seconds, and ``unparsed`` (why the answer gave none)."""
    if not isinstance(segments, dict):
        raise ValueError(f"{what} must be a dict with 'pred' and/or 'gt', got {type(segments).__name__}")
    unknown = set(segments) - {"pred", "gt", "unparsed"}
    if unknown:
        raise ValueError(f"{what}: unknown key(s) {sorted(unknown)}; allowed: pred, gt, unparsed")
    out = {"pred": _segment_list(segments.get("pred"), f"{what}.pred"), "gt": _segment_list(segments.get("gt"), f"{what}.gt")}
    if segments.get("unparsed") is not None:
        if not isinstance(segments["unparsed"], str):
            raise ValueError(f"{what}.unparsed must be a str (why no segment was read)")
        out["unparsed"] = segments["unparsed"]
    return out

