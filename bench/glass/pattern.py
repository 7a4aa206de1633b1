"""The glass-to-glass clock pattern: a 48-bit value (ms since the epoch) plus a CRC-16 check,
burnt into a gray 640x360 frame as a 16 x 4 grid of 40 px black/white blocks. The browser side
(glass_page.js) decodes the same layout; keep the two in step.

Layout: rows of BLOCK px blocks starting at TOP, COLUMNS per row, most significant bit first,
row by row. Bits 0-47: the value, big-endian; bits 48-63: CRC-16/CCITT-FALSE of the value's
6 bytes. Black is bit 1 (luma 0), white is bit 0 (luma 255); the rest of the frame is mid-gray
with a moving bar (so a frozen picture is visible in a screenshot).
"""

WIDTH, HEIGHT = 640, 360
BLOCK, TOP, COLUMNS, ROWS = 40, 20, 16, 4
VALUE_BITS, CHECK_BITS = 48, 16
BACKGROUND = 128


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): detects every 1- and 2-bit error here."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def payload_bits(value: int) -> list:
    if not 0 <= value < 1 << VALUE_BITS:
        raise ValueError(f"value {value} does not fit in {VALUE_BITS} bits")
    word = (value << CHECK_BITS) | crc16(value.to_bytes(VALUE_BITS // 8, "big"))
    total = VALUE_BITS + CHECK_BITS
    return [(word >> (total - 1 - i)) & 1 for i in range(total)]


def bits_value(bits: list):
    """The value the bits carry, or None when the check code does not match."""
    word = 0
    for bit in bits:
        word = (word << 1) | bit
    value, check = word >> CHECK_BITS, word & ((1 << CHECK_BITS) - 1)
    return value if crc16(value.to_bytes(VALUE_BITS // 8, "big")) == check else None


_BLOCK_ROW = {0: b"\xff" * BLOCK, 1: b"\x00" * BLOCK}


def render(value: int, frame_index: int = 0) -> bytes:
    """One gray (1 byte per pixel) WIDTH x HEIGHT frame carrying `value`."""
    bits = payload_bits(value)
    background = bytes([BACKGROUND]) * WIDTH
    lines = [background] * TOP
    for row in range(ROWS):
        line = b"".join(_BLOCK_ROW[b] for b in bits[row * COLUMNS:(row + 1) * COLUMNS])
        lines.extend([line] * BLOCK)
    bar_x = (frame_index * 8) % (WIDTH - 32)
    bar = bytes([BACKGROUND]) * bar_x + b"\xe0" * 32 + bytes([BACKGROUND]) * (WIDTH - bar_x - 32)
    rest = HEIGHT - len(lines)
    lines.extend([background] * (rest // 2) + [bar] * 24 + [background] * (rest - rest // 2 - 24))
    frame = b"".join(lines)
    assert len(frame) == WIDTH * HEIGHT
    return frame


def decode(frame: bytes, width: int = WIDTH, height: int = HEIGHT):
    """(value or None, ambiguous block count) from a gray frame: the mean of each block's
    central half decides its bit; a mean between 64 and 192 counts as ambiguous."""
    bits, ambiguous = [], 0
    sx, sy = width / WIDTH, height / HEIGHT
    for row in range(ROWS):
        for column in range(COLUMNS):
            x0 = int((column * BLOCK + BLOCK / 4) * sx)
            x1 = int((column * BLOCK + 3 * BLOCK / 4) * sx)
            y0 = int((TOP + row * BLOCK + BLOCK / 4) * sy)
            y1 = int((TOP + row * BLOCK + 3 * BLOCK / 4) * sy)
            total = sum(sum(frame[y * width + x0:y * width + x1]) for y in range(y0, y1))
            mean = total / ((x1 - x0) * (y1 - y0))
            ambiguous += 64 < mean < 192
            bits.append(1 if mean < 128 else 0)
    return bits_value(bits), ambiguous
