#!/usr/bin/env python3
"""Captures real codec headers and FLV tags with ffmpeg and writes tests/codec/fixtures.hpp.

Run from anywhere: python3 tests/data/make_codec_fixtures.py (needs ffmpeg with libx264,
libx265, libaom-av1 and libmp3lame; Debian 12's ffmpeg 5.1 has them). See tests/data/README.md.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'codec', 'fixtures.hpp')

FF = ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y']
LAVFI_VIDEO = ['-f', 'lavfi', '-i']

# name, ffmpeg arguments after the input, container, what to take, comment
CAPTURES = [
    ('kAvcHigh720Record', 'testsrc2=size=1280x720:rate=30', ['-t', '1', '-c:v', 'libx264',
     '-profile:v', 'high', '-level', '3.1'], 'flv', 'avcC',
     'x264 High 3.1, 1280x720, 30 fps'),
    ('kAvcBaseline360Record', 'testsrc2=size=640x360:rate=30', ['-t', '1', '-c:v', 'libx264',
     '-profile:v', 'baseline', '-level', '3.0'], 'flv', 'avcC',
     'x264 Constrained Baseline 3.0, 640x360 (coded 640x368, cropped), no B-frames'),
    ('kAvcMain1080Record', 'testsrc2=size=1920x1080:rate=25', ['-t', '1', '-c:v', 'libx264',
     '-profile:v', 'main', '-level', '4.0'], 'flv', 'avcC',
     'x264 Main 4, 1920x1080 (coded 1920x1088, cropped), 25 fps'),
    ('kAvcHigh444ScalingRecord', 'testsrc2=size=320x240:rate=30', ['-frames:v', '2',
     '-pix_fmt', 'yuv444p', '-c:v', 'libx264', '-profile:v', 'high444', '-x264-params',
     'cqm=jvt'], 'flv', 'avcC',
     'x264 High 4:4:4 Predictive, 320x240, JVT scaling matrices in the SPS'),
    ('kAvcInterlaced1080Record', 'testsrc2=size=1920x1080:rate=25', ['-frames:v', '2',
     '-c:v', 'libx264', '-profile:v', 'main', '-flags', '+ildct+ilme', '-x264-params',
     'interlaced=1'], 'flv', 'avcC',
     'x264 Main 4, 1920x1080 interlaced (frame_mbs_only_flag 0)'),
    ('kAvcHigh10Record', 'testsrc2=size=640x360:rate=30', ['-frames:v', '2', '-pix_fmt',
     'yuv420p10le', '-c:v', 'libx264', '-profile:v', 'high10'], 'flv', 'avcC',
     'x264 High 10, 640x360, 10-bit'),
    ('kHevcMain720Record', 'testsrc2=size=1280x720:rate=30', ['-frames:v', '2', '-c:v',
     'libx265', '-x265-params', 'info=0:log-level=error'], 'mp4', 'hvcC',
     'x265 Main 3.1, 1280x720'),
    ('kHevcMain10Record1080', 'testsrc2=size=1920x1080:rate=25', ['-frames:v', '1',
     '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-x265-params', 'info=0:log-level=error'],
     'mp4', 'hvcC', 'x265 Main 10 4, 1920x1080 (coded 1920x1088, conformance window)'),
    ('kAv1Main360Record', 'testsrc2=size=640x360:rate=30', ['-frames:v', '2', '-c:v',
     'libaom-av1', '-cpu-used', '8'], 'mp4', 'av1C', 'libaom Main, 640x360'),
    ('kAacLc44100StereoConfig', 'sine=frequency=440:sample_rate=44100', ['-ac', '2', '-t', '1',
     '-c:a', 'aac'], 'flv', 'asc',
     'ffmpeg aac LC 44.1 kHz stereo, with the 0x2b7 sync extension saying "no SBR"'),
    ('kAacLc48000StereoConfig', 'sine=frequency=440:sample_rate=48000', ['-ac', '2', '-t', '1',
     '-c:a', 'aac'], 'flv', 'asc', 'ffmpeg aac LC 48 kHz stereo'),
]

TAG_CAPTURES = [
    # name, input, args, tag type, how many tags, comment
    ('kH264Tags', 'testsrc2=size=128x72:rate=30', ['-t', '0.5', '-c:v', 'libx264', '-profile:v',
     'high', '-bf', '2', '-g', '30', '-crf', '51'], 9, 4,
     'x264 High 128x72 with B-frames: sequence header, IDR, P, B (legacy CodecID 7)'),
    ('kMp3Tags', 'sine=frequency=440:sample_rate=22050', ['-ac', '1', '-t', '1', '-c:a',
     'libmp3lame'], 8, 1, 'lame MP3 22.05 kHz mono: SoundFormat 2 with the rate in the flags'),
    ('kAacTags', 'sine=frequency=440:sample_rate=44100', ['-ac', '2', '-t', '1', '-c:a', 'aac'],
     8, 2, 'ffmpeg aac LC 44.1 kHz stereo: sequence header and the first raw frame'),
]


def run_ffmpeg(source, args, container, path):
    subprocess.run(FF + LAVFI_VIDEO + [source] + args + ['-f', container, path], check=True)
    return ' '.join(['ffmpeg'] + LAVFI_VIDEO + [source] + args + ['-f', container, 'out'])


def flv_tags(path):
    data = open(path, 'rb').read()
    offset = 9 + 4  # FLV header, PreviousTagSize0
    while offset + 11 <= len(data):
        tag_type = data[offset]
        size = int.from_bytes(data[offset + 1:offset + 4], 'big')
        ts = int.from_bytes(data[offset + 4:offset + 7], 'big') | (data[offset + 7] << 24)
        yield tag_type, ts, data[offset + 11:offset + 11 + size]
        offset += 11 + size + 4


def mp4_box(path, box):
    """The body of the first box of this type (enough for stsd entries in ffmpeg's files)."""
    data = open(path, 'rb').read()
    at = data.find(box.encode())
    size = int.from_bytes(data[at - 4:at], 'big')
    return data[at + 4:at - 4 + size]


def extract(path, container, what):
    if container == 'mp4':
        return mp4_box(path, what)
    want = 9 if what == 'avcC' else 8
    for tag_type, _, body in flv_tags(path):
        if tag_type == want:
            return body[5:] if want == 9 else body[2:]  # after the FLV/AVC or AAC header
    raise SystemExit('no sequence header in ' + path)


def as_array(name, data, comment, command):
    lines = [f'// {comment}', f'// {command}',
             f'inline const std::vector<uint8_t> {name} = {{']
    for i in range(0, len(data), 16):
        lines.append('    ' + ', '.join(f'0x{b:02x}' for b in data[i:i + 16]) + ',')
    lines.append('};')
    return '\n'.join(lines)


def main():
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, source, args, container, what, comment in CAPTURES:
            path = os.path.join(tmp, name + '.' + container)
            command = run_ffmpeg(source, args, container, path)
            parts.append(as_array(name, extract(path, container, what), comment, command))
        for name, source, args, tag_type, count, comment in TAG_CAPTURES:
            path = os.path.join(tmp, name + '.flv')
            command = run_ffmpeg(source, args, 'flv', path)
            tags = [(ts, body) for t, ts, body in flv_tags(path) if t == tag_type][:count]
            entries = []
            for i, (ts, body) in enumerate(tags):
                entries.append(as_array(f'{name}{i}', body, f'{comment}: tag {i}, timestamp {ts}',
                                        command))
            parts.extend(entries)
            parts.append(f'inline const uint32_t {name}Timestamps[] = {{' +
                         ', '.join(str(ts) for ts, _ in tags) + '};')
    header = ('// Real codec headers and FLV tags captured with ffmpeg, for the codec tests.\n'
              '// Generated by tests/data/make_codec_fixtures.py: do not edit by hand.\n'
              '#pragma once\n\n'
              '#include <cstdint>\n#include <vector>\n\nnamespace liverelay::fixtures {\n\n')
    with open(OUT, 'w') as out:
        out.write(header + '\n\n'.join(parts) + '\n\n}  // namespace liverelay::fixtures\n')
    subprocess.run(['clang-format', '-i', OUT], check=False)  # the repository's .clang-format
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    sys.exit(main())
