#!/usr/bin/env bash
# Re-creates the committed sample DASH content under content/.
#
#   bash scripts/make-content.sh      (or: npm run content)
#
# Needs ffmpeg (Debian's /usr/bin/ffmpeg, with libx264) and the Shaka Packager
# binary from the `shaka-packager` npm package (node_modules, no download).
#
# Output:
#   content/cenc/manifest.mpd + video/ audio/   (protection_scheme cenc)
#   content/cbcs/manifest.mpd + video/ audio/   (protection_scheme cbcs)
#   content/cenc-content-id/manifest.mpd + video/ audio/ (cenc, one Widevine PSSH with a content id
#     and no key IDs)
#   content/hls-content-id/ (HLS, cbcs, only the content-id-only Widevine PSSH)
#   content/hls-cenc/ (HLS, cenc: SAMPLE-AES-CTR, Widevine and PlayReady EXT-X-KEYs)
#   content/sd-hd/ (DASH, cenc, 4 s: an SD and an HD rendition under different keys)
#   content/hls/master.m3u8 + video.m3u8 audio.m3u8 + video/ audio/  (fMP4 HLS, cbcs; FairPlay,
#     Widevine and PlayReady EXT-X-KEYs), hls/master-session-keys.m3u8 (EXT-X-SESSION-KEY),
#     hls/fairplay-test.cer (a stand-in FairPlay application certificate), hls/master-identity.m3u8
#     + video-identity.m3u8 audio-identity.m3u8 + identity-keys/ (ClearKey as KEYFORMAT="identity")
#   content/keys.json, content/README.md
#
# The keys below are PUBLIC TEST KEYS. Never use them for real content.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="content"
MAX_BYTES=$((3 * 1024 * 1024))

# --- fixed test keys (lower-case hex, no dashes) ----------------------------
VIDEO_KID="a8902072531212e8717f2aeeb98cea1c"
VIDEO_KEY="6665ff60772d4c153433dae79fd569b5"
AUDIO_KID="4a63349a01f33504a4249e5777467e89"
AUDIO_KEY="dbbf0021ce11b6abcd32dd30d7a487a8"
# Fixed IV so that re-running the script gives byte-identical segments
# (the packager otherwise picks a random IV). Test content only.
IV="0123456789abcdef0123456789abcdef"
KEYS="label=VIDEO:key_id=${VIDEO_KID}:key=${VIDEO_KEY},label=AUDIO:key_id=${AUDIO_KID}:key=${AUDIO_KEY}"

# --- tools ------------------------------------------------------------------
FFMPEG="${FFMPEG:-ffmpeg}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)  PKG_BIN="packager-linux-x64" ;;
  Linux-aarch64) PKG_BIN="packager-linux-arm64" ;;
  Darwin-x86_64) PKG_BIN="packager-osx-x64" ;;
  Darwin-arm64)  PKG_BIN="packager-osx-arm64" ;;
  *) echo "unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
PACKAGER="${PACKAGER:-$ROOT/node_modules/shaka-packager/bin/$PKG_BIN}"

command -v "$FFMPEG" >/dev/null || { echo "ffmpeg not found (apt-get install ffmpeg)" >&2; exit 1; }
[ -x "$PACKAGER" ] || { echo "packager not found at $PACKAGER (npm install?)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== ffmpeg: $("$FFMPEG" -version | head -1)"
echo "== packager: $("$PACKAGER" --version 2>&1 | head -1)"

# --- 1. synthetic 8 s source clip ------------------------------------------
# Deterministic as far as practical: single thread, bitexact, no metadata.
"$FFMPEG" -hide_banner -loglevel error -nostdin -y \
  -f lavfi -i "testsrc2=size=320x180:rate=25" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -t 8 -map 0:v:0 -map 1:a:0 \
  -threads 1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 \
  -c:v libx264 -profile:v main -preset medium -pix_fmt yuv420p \
  -b:v 250k -maxrate 250k -bufsize 500k \
  -g 50 -keyint_min 50 -sc_threshold 0 -x264-params "threads=1" \
  -c:a aac -b:a 64k -ac 2 -ar 44100 \
  -movflags +faststart \
  "$TMP/source.mp4"

# --- 2. package twice (cenc, cbcs) ------------------------------------------
# --generate_static_live_mpd: type="static" MPD despite SegmentTemplate.
# --use_fake_clock_for_muxer: creation/modification times 0 in mvhd/tkhd/mdhd,
#   so that the init segments are reproducible (like --iv above).
# Prints a command line, single-quoting arguments with shell metacharacters.
show_cmd() {
  local a out=""
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./=:,+-]+$ ]]; then out+=" $a"; else out+=" '$a'"; fi
  done
  echo "  ${out# }"
}

# The sample's video and audio stream descriptors into DIR (DIR/video/, DIR/audio/), one per line;
# with "hls", the playlist names and the audio rendition group too.
streams() {
  local dir="$1" video="" audio=""
  if [ "${2:-}" = hls ]; then video=",playlist_name=video.m3u8"; audio=",playlist_name=audio.m3u8,hls_group_id=audio,hls_name=en"; fi
  printf '%s\n' \
    "in=$TMP/source.mp4,stream=video,init_segment=$dir/video/init.mp4,segment_template=$dir/video/seg-\$Number\$.m4s$video,drm_label=VIDEO" \
    "in=$TMP/source.mp4,stream=audio,init_segment=$dir/audio/init.mp4,segment_template=$dir/audio/seg-\$Number\$.m4s$audio,drm_label=AUDIO"
}

# Runs the packager on the given streams and options plus what every package here shares (raw
# keys, the fixed IV, no clear lead, 2 s segments, the fake clock); prints the command line, keeps
# its log in $TMP/packager-NAME.log and stops the script when it fails.
package() {
  local name="$1" title="$2"
  shift 2
  local cmd=("$PACKAGER" "$@" --enable_raw_key_encryption --iv "$IV" --clear_lead 0 --segment_duration 2 --use_fake_clock_for_muxer)
  echo "== packaging $title:"
  show_cmd "${cmd[@]}"
  "${cmd[@]}" >"$TMP/packager-$name.log" 2>&1 || { cat "$TMP/packager-$name.log" >&2; exit 1; }
}

rm -rf "$OUT/cenc" "$OUT/cbcs"
for scheme in cenc cbcs; do
  dir="$OUT/$scheme"
  mkdir -p "$dir/video" "$dir/audio"
  mapfile -t descriptors < <(streams "$dir")
  package "$scheme" "$scheme" "${descriptors[@]}" --keys "$KEYS" --protection_scheme "$scheme" \
    --protection_systems CommonSystem,Widevine,PlayReady --generate_static_live_mpd --mpd_output "$dir/manifest.mpd"
done

# Segment/manifest paths in the MPD must be relative to the MPD.
for scheme in cenc cbcs; do
  if grep -q "$OUT/$scheme/" "$OUT/$scheme/manifest.mpd"; then
    echo "MPD contains non-relative paths" >&2; exit 1
  fi
done

# --- 2a. DASH with a content-id-only Widevine PSSH --------------------------
# What several packagers write: the Widevine PSSH names a content id and no key IDs (the license
# server resolves the keys). Packager's --pssh writes exactly this box (PSSH v0, Widevine system
# ID, WidevinePsshData { provider: "keyflow", content_id: "keyflow-sample" }) into the MPD and the
# init segments; the MPD keeps cenc:default_KID. No other system's PSSH.
WV_CONTENT_ID_PSSH="000000397073736800000000edef8ba979d64acea3c827dcd51d21ed000000191a076b6579666c6f77220e6b6579666c6f772d73616d706c65"
dir="$OUT/cenc-content-id"
rm -rf "$dir"
mkdir -p "$dir/video" "$dir/audio"
mapfile -t descriptors < <(streams "$dir")
package cenc-content-id "cenc with a content-id-only Widevine PSSH" "${descriptors[@]}" --keys "$KEYS" \
  --protection_scheme cenc --pssh "$WV_CONTENT_ID_PSSH" --generate_static_live_mpd --mpd_output "$dir/manifest.mpd"

# --- 2b. HLS (fMP4, cbcs) for FairPlay, Widevine and PlayReady --------------
# The same keys and IV. `--protection_systems` leaves CommonSystem out: in HLS the packager writes
# it as KEYFORMAT="identity" with the skd:// URI as a key URL, which players would try to fetch.
# The skd:// URI carries the sample's asset id. A second run with --create_session_keys gives the
# multivariant playlist with #EXT-X-SESSION-KEY; its media is the same (fixed IV, fake clock), so
# only that playlist is kept.
SKD_URI="skd://keyflow-sample"
rm -rf "$OUT/hls"
for variant in plain session-keys; do
  dir="$OUT/hls"; extra=()
  if [ "$variant" = session-keys ]; then dir="$TMP/hls-session-keys"; extra=(--create_session_keys); fi
  mkdir -p "$dir/video" "$dir/audio"
  mapfile -t descriptors < <(streams "$dir" hls)
  package "hls-$variant" "HLS ($variant)" "${descriptors[@]}" --keys "$KEYS" --protection_scheme cbcs \
    --protection_systems FairPlay,Widevine,PlayReady --hls_key_uri "$SKD_URI" --hls_playlist_type VOD \
    --hls_master_playlist_output "$dir/master.m3u8" "${extra[@]}"
done
cp "$TMP/hls-session-keys/master.m3u8" "$OUT/hls/master-session-keys.m3u8"
# HLS with only the content-id-only Widevine PSSH of 2a (its EXT-X-KEY carries that box).
dir="$OUT/hls-content-id"
rm -rf "$dir"
mkdir -p "$dir/video" "$dir/audio"
mapfile -t descriptors < <(streams "$dir" hls)
package hls-content-id "HLS with a content-id-only Widevine PSSH" "${descriptors[@]}" --keys "$KEYS" \
  --protection_scheme cbcs --pssh "$WV_CONTENT_ID_PSSH" --hls_playlist_type VOD --hls_master_playlist_output "$dir/master.m3u8"
# HLS in cenc (METHOD=SAMPLE-AES-CTR), which Shaka plays with Widevine and PlayReady (FairPlay
# is cbcs only, so no FairPlay tag): the same clip, keys and IV.
dir="$OUT/hls-cenc"
rm -rf "$dir"
mkdir -p "$dir/video" "$dir/audio"
mapfile -t descriptors < <(streams "$dir" hls)
package hls-cenc "HLS in cenc" "${descriptors[@]}" --keys "$KEYS" --protection_scheme cenc \
  --protection_systems Widevine,PlayReady --hls_playlist_type VOD --hls_master_playlist_output "$dir/master.m3u8"
# The FairPlay "application certificate" the test tools use: any bytes (the test CDM cannot check
# Apple's signature, and the emulators only hash it). Not a real certificate.
printf 'shaka-keyflow test FairPlay application certificate: not issued by Apple, protects nothing\n' >"$OUT/hls/fairplay-test.cer"
# HLS for the real ClearKey CDM: Shaka's HLS parser knows ClearKey only as KEYFORMAT="identity"
# (it fetches the raw 16-octet key from the URI, RFC 8216 5.2, and builds the license itself), so
# these playlists point the same cbcs segments at key files instead of the three DRM EXT-X-KEYs
# (the same tag the packager writes for its CommonSystem, with a key URI per track).
mkdir -p "$OUT/hls/identity-keys"
for track in video audio; do
  if [ "$track" = video ]; then key="$VIDEO_KEY"; else key="$AUDIO_KEY"; fi
  # shellcheck disable=SC2059 # the format is the key as \xNN escapes
  printf "$(printf '%s' "$key" | sed 's/../\\x&/g')" >"$OUT/hls/identity-keys/$track.key"
  awk -v track="$track" -v iv="$IV" '
    /^#EXT-X-KEY/ { next }
    { print }
    /^#EXT-X-MAP/ { printf "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"identity-keys/%s.key\",IV=0x%s,KEYFORMATVERSIONS=\"1\",KEYFORMAT=\"identity\"\n", track, iv }
  ' "$OUT/hls/$track.m3u8" >"$OUT/hls/$track-identity.m3u8"
done
sed -e 's/^video\.m3u8$/video-identity.m3u8/' -e 's/URI="audio\.m3u8"/URI="audio-identity.m3u8"/' \
  "$OUT/hls/master.m3u8" >"$OUT/hls/master-identity.m3u8"

# --- 2c. DASH with an SD and an HD rendition under different keys ------------
# For key statuses per rendition (an HD-only output restriction must leave SD playing): 4 s of the
# same pattern at 320x180 (SD, the video key) and 640x360 (HD, its own key), audio with the audio
# key; cenc, CommonSystem + Widevine + PlayReady PSSH, like cenc/.
HD_KID="5d2f8d7ab4c34e1f9a0b6c7d8e9f0a1b"
HD_KEY="0f1e2d3c4b5a69788796a5b4c3d2e1f0"
"$FFMPEG" -hide_banner -loglevel error -nostdin -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -t 4 -map 0:v:0 -map 1:a:0 \
  -threads 1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 \
  -c:v libx264 -profile:v main -level:v 3.0 -preset medium -pix_fmt yuv420p -b:v 300k -maxrate 300k -bufsize 600k \
  -g 50 -keyint_min 50 -sc_threshold 0 -x264-params "threads=1" \
  -c:a aac -b:a 64k -ac 2 -ar 44100 "$TMP/source-hd.mp4"
"$FFMPEG" -hide_banner -loglevel error -nostdin -y -i "$TMP/source-hd.mp4" -an \
  -threads 1 -fflags +bitexact -flags:v +bitexact -map_metadata -1 -vf scale=320:180 \
  -c:v libx264 -profile:v main -level:v 3.0 -preset medium -pix_fmt yuv420p -b:v 150k -maxrate 150k -bufsize 300k \
  -g 50 -keyint_min 50 -sc_threshold 0 -x264-params "threads=1" "$TMP/source-sd.mp4"
dir="$OUT/sd-hd"
rm -rf "$dir"
mkdir -p "$dir/sd" "$dir/hd" "$dir/audio"
package sd-hd "SD + HD (separate keys)" \
  "in=$TMP/source-sd.mp4,stream=video,init_segment=$dir/sd/init.mp4,segment_template=$dir/sd/seg-\$Number\$.m4s,drm_label=SD" \
  "in=$TMP/source-hd.mp4,stream=video,init_segment=$dir/hd/init.mp4,segment_template=$dir/hd/seg-\$Number\$.m4s,drm_label=HD" \
  "in=$TMP/source-hd.mp4,stream=audio,init_segment=$dir/audio/init.mp4,segment_template=$dir/audio/seg-\$Number\$.m4s,drm_label=AUDIO" \
  --keys "label=SD:key_id=${VIDEO_KID}:key=${VIDEO_KEY},label=HD:key_id=${HD_KID}:key=${HD_KEY},label=AUDIO:key_id=${AUDIO_KID}:key=${AUDIO_KEY}" \
  --protection_scheme cenc --protection_systems CommonSystem,Widevine,PlayReady --generate_static_live_mpd \
  --mpd_output "$dir/manifest.mpd"

# --- 3. keys.json + README --------------------------------------------------
cat >"$OUT/keys.json" <<JSON
{
  "video": { "kid": "${VIDEO_KID}", "key": "${VIDEO_KEY}" },
  "audio": { "kid": "${AUDIO_KID}", "key": "${AUDIO_KEY}" }
}
JSON

cat >"$OUT/README.md" <<'MD'
# Sample DASH and HLS content (encrypted, public test keys)

Generated by `scripts/make-content.sh` — do not edit by hand.

An 8-second synthetic clip (ffmpeg `testsrc2` 320x180@25 fps, H.264 Main
~250 kbit/s, keyframe every 2 s; 440 Hz sine, AAC-LC ~64 kbit/s stereo
44.1 kHz), packaged with Shaka Packager as static (VOD) DASH with
`SegmentTemplate`/`SegmentTimeline`, 2 s segments, no clear lead:

| folder  | protection scheme |
|---------|-------------------|
| `cenc/` | `cenc` (AES-CTR, full-sample subsample encryption) |
| `cbcs/` | `cbcs` (AES-CBC 1:9 pattern, constant IV) |

Each folder has `manifest.mpd`, `video/init.mp4` + `video/seg-N.m4s` and
`audio/init.mp4` + `audio/seg-N.m4s`.

## Keys (public test keys — never use for real content)

Video and audio use separate keys (see also `keys.json`):

| track | KID (hex) | key (hex) |
|-------|-----------|-----------|
| video | `a8902072531212e8717f2aeeb98cea1c` | `6665ff60772d4c153433dae79fd569b5` |
| audio | `4a63349a01f33504a4249e5777467e89` | `dbbf0021ce11b6abcd32dd30d7a487a8` |

For ClearKey in Shaka Player:
`drm.clearKeys = { a8902072531212e8717f2aeeb98cea1c: '6665ff60772d4c153433dae79fd569b5', 4a63349a01f33504a4249e5777467e89: 'dbbf0021ce11b6abcd32dd30d7a487a8' }`.

The segments are encrypted with a fixed IV (`--iv`) and the packager's fake
clock (`--use_fake_clock_for_muxer`, zero creation times), so regeneration
with the same ffmpeg build is byte-identical (but for the `sd-hd/` MPD, whose two video
AdaptationSets the packager numbers in either order); fine for test content only.

## What the MPD carries

Two `AdaptationSet`s (video, audio), each with its own `cenc:default_KID` and
the same set of `ContentProtection` elements:

@@PROTECTION@@

Notes on the PSSH data (same in the MPD and in the init segments):

- Common (v1 `pssh`) and Widevine PSSH list **both** KIDs and are identical in
  the video and the audio AdaptationSet / init segment.
- The PlayReady PSSH / `mspr:pro` (WRM header; `value="MSPR 2.0"`) carries
  **only that track's KID**, so it differs between the AdaptationSets:
  WRMHEADER v4.0.0.0 with `AESCTR` + CHECKSUM for `cenc`, v4.3.0.0 with
  `ALGID="AESCBC"` (no checksum) for `cbcs`. No LA_URL is set.

## Widevine content id without key IDs (`cenc-content-id/`)

The `cenc` encryption again, but signalled as several packagers do it: one Widevine PSSH
(`WidevinePsshData { provider: "keyflow", content_id: "keyflow-sample" }`, no key IDs) in the MPD
and the init segments, and no other system; the MPD keeps `cenc:default_KID`. The license server
resolves the keys from the content id (the test tools: from the token). `hls-content-id/` is the
same for HLS (`cbcs`, the box in the one Widevine `#EXT-X-KEY`).

## HLS (`hls/`)

The same clip and keys as fMP4 HLS, `cbcs` (`METHOD=SAMPLE-AES`), 2 s segments, VOD:
`hls/master.m3u8` (multivariant: `video.m3u8` and the audio rendition `audio.m3u8`), each media
playlist with three `#EXT-X-KEY`s: FairPlay (`KEYFORMAT="com.apple.streamingkeydelivery"`,
`URI="skd://keyflow-sample"`), Widevine (`urn:uuid:edef8ba9-…`, the PSSH as a data URI) and
PlayReady (`com.microsoft.playready`, the PlayReady object as a data URI).
`hls/master-session-keys.m3u8` is the same with `#EXT-X-SESSION-KEY`s in the multivariant
playlist. `hls/fairplay-test.cer` stands in for a FairPlay application certificate (text, not
issued by Apple: the test CDM cannot check one).

ClearKey in HLS: Shaka's HLS parser knows it only as `KEYFORMAT="identity"` (it fetches the raw
16-octet key from the URI and builds the ClearKey license itself; no license server).
`hls/master-identity.m3u8` (with `video-identity.m3u8`, `audio-identity.m3u8`) plays the same
segments that way; `hls/identity-keys/video.key` and `audio.key` are the raw test keys.

## SD and HD under different keys (`sd-hd/`)

4 s of the same pattern as DASH `cenc` with two video renditions, 320x180 (~150 kbit/s, the video
key above) and 640x360 (~300 kbit/s, its own key: KID `5d2f8d7ab4c34e1f9a0b6c7d8e9f0a1b`, key
`0f1e2d3c4b5a69788796a5b4c3d2e1f0`), and the audio with the audio key: for key statuses per
rendition (an HD-only output restriction leaves SD playing).

`hls-cenc/` is the same clip as HLS in `cenc` (`METHOD=SAMPLE-AES-CTR`) with Widevine and
PlayReady `#EXT-X-KEY`s (FairPlay is `cbcs` only).

## Regenerating

```sh
npm run content        # = bash scripts/make-content.sh
```

Needs `ffmpeg` with libx264 (Debian's `apt-get install ffmpeg`) and the
`shaka-packager` npm dev dependency (its bundled binary is used). The script
verifies its output (raw-key decryption of every representation with the
packager, compared sample-by-sample with the clear source; PSSH in MPD and
init segments; static MPD; total size < 3 MB). x264/AAC output can differ between
ffmpeg versions, so segments may change byte-wise if regenerated elsewhere.
MD

# Fill the "what the MPD carries" section from the actual output.
describe() {
  local mpd="$OUT/cenc/manifest.mpd" scheme
  echo "ContentProtection \`schemeIdUri\`s in the MPD:"
  echo
  grep -o '<ContentProtection [^>]*' "$mpd" | grep -o 'schemeIdUri="[^"]*"' \
    | sed 's/schemeIdUri="//;s/"$//' | awk '!seen[$0]++' | while read -r s; do
    case "$s" in
      urn:mpeg:dash:mp4protection:2011) d="MPEG common encryption; \`value\` = scheme (\`cenc\`/\`cbcs\`), \`cenc:default_KID\`" ;;
      urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b) d="W3C Common PSSH (ClearKey) — \`cenc:pssh\`" ;;
      urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed) d="Widevine — \`cenc:pssh\`" ;;
      urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95) d="PlayReady — \`cenc:pssh\` and \`mspr:pro\`" ;;
      *) d="" ;;
    esac
    echo "- \`$s\` $d"
  done
  echo
  echo "PSSH boxes in the init segments (\`moov/pssh\`, system IDs):"
  echo
  for scheme in cenc cbcs; do
    for t in video audio; do
      echo "- \`$scheme/$t/init.mp4\`: $(pssh_systems "$OUT/$scheme/$t/init.mp4")"
    done
  done
}

# Lists the SystemIDs of all 'pssh' boxes in an MP4 file (hex scan).
pssh_systems() {
  od -An -v -tx1 "$1" | tr -d ' \n' | grep -o '70737368[0-9a-f]\{8\}[0-9a-f]\{32\}' \
    | sed -E 's/^70737368.{8}//' | while read -r id; do
      case "$id" in
        1077efecc0b24d02ace33c1e52e2fb4b) echo "CommonSystem(1077efec)" ;;
        edef8ba979d64acea3c827dcd51d21ed) echo "Widevine(edef8ba9)" ;;
        9a04f07998404286ab92e65be0885f95) echo "PlayReady(9a04f079)" ;;
        *) echo "unknown($id)" ;;
      esac
    done | paste -sd, - | sed 's/,/, /g'
}

desc="$(describe)"
awk -v repl="$desc" '{ if ($0 == "@@PROTECTION@@") print repl; else print }' \
  "$OUT/README.md" >"$TMP/README.md"
mv "$TMP/README.md" "$OUT/README.md"

# --- 4. verify ---------------------------------------------------------------
fail() { echo "VERIFY FAILED: $*" >&2; exit 1; }
# MD5 of the compressed sample data (packet payloads) of the first video/audio
# stream. Identical for the clear source and a correctly decrypted rendition;
# timestamps are not hashed (the packager rebases the AAC priming frame).
packets_md5() {
  local sel=v; [ "$2" = audio ] && sel=a
  "$FFMPEG" -hide_banner -loglevel error -nostdin -i "$1" \
    -map "0:$sel:0" -c copy -f md5 - | sed 's/^MD5=//'
}
# Fully decodes the first video/audio stream; fails on any decoding error.
decodes_cleanly() {
  local sel=v; [ "$2" = audio ] && sel=a
  "$FFMPEG" -hide_banner -loglevel error -nostdin -xerror -threads 1 -i "$1" \
    -map "0:$sel:0" -f null - 2>&1 | { ! grep -q .; }
}

for scheme in cenc cbcs; do
  mpd="$OUT/$scheme/manifest.mpd"
  grep -q 'type="static"' "$mpd" || fail "$mpd is not static"
  grep -q 'mediaPresentationDuration=' "$mpd" || fail "$mpd lacks mediaPresentationDuration"
  grep -q '<SegmentTemplate' "$mpd" || fail "$mpd lacks SegmentTemplate"
  for kid in "$VIDEO_KID" "$AUDIO_KID"; do
    dashed="${kid:0:8}-${kid:8:4}-${kid:12:4}-${kid:16:4}-${kid:20:12}"
    grep -q "cenc:default_KID=\"$dashed\"" "$mpd" || fail "$mpd lacks default_KID $dashed"
  done
  for sys in 1077efec-c0b2-4d02-ace3-3c1e52e2fb4b edef8ba9-79d6-4ace-a3c8-27dcd51d21ed 9a04f079-9840-4286-ab92-e65be0885f95; do
    grep -q "urn:uuid:$sys" "$mpd" || fail "$mpd lacks ContentProtection $sys"
  done
  grep -q '<mspr:pro>' "$mpd" || fail "$mpd lacks mspr:pro"
  for t in video audio; do
    s="$(pssh_systems "$OUT/$scheme/$t/init.mp4")"
    for want in CommonSystem Widevine PlayReady; do
      [[ "$s" == *"$want"* ]] || fail "$scheme/$t/init.mp4 lacks $want pssh (has: $s)"
    done
  done

  # Decrypt every representation with the raw keys. The packager happily
  # "decrypts" with a wrong key (exit 0, garbage samples), so in addition the
  # decrypted samples must be byte-identical to the unencrypted source.
  for t in video audio; do
    dec="$TMP/dec-$scheme-$t"
    mkdir -p "$dec"
    cat "$OUT/$scheme/$t/init.mp4" "$OUT/$scheme/$t"/seg-*.m4s >"$dec/in.mp4"
    "$PACKAGER" "in=$dec/in.mp4,stream=$t,output=$dec/out.mp4" \
      --enable_raw_key_decryption --keys "$KEYS" >"$dec/log" 2>&1 \
      || { cat "$dec/log" >&2; fail "decryption of $scheme/$t failed"; }
    [ -s "$dec/out.mp4" ] || fail "decryption of $scheme/$t produced nothing"
    if [ -n "$(pssh_systems "$dec/out.mp4")" ]; then fail "decrypted $scheme/$t still has pssh"; fi
    got="$(packets_md5 "$dec/out.mp4" "$t")" || fail "reading decrypted $scheme/$t failed"
    want="$(packets_md5 "$TMP/source.mp4" "$t")"
    [ "$got" = "$want" ] || fail "decrypted $scheme/$t differs from the source ($got != $want)"
    decodes_cleanly "$dec/out.mp4" "$t" || fail "decrypted $scheme/$t does not decode cleanly"
    echo "== verified $scheme/$t: decrypts to the source's samples (md5 $got) and decodes cleanly"
  done
done

# The content-id-only variant: exactly the Widevine box given, in the MPD and the init segments.
cid_mpd="$OUT/cenc-content-id/manifest.mpd"
[ "$(grep -c 'urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed' "$cid_mpd")" = 2 ] || fail "$cid_mpd lacks its Widevine ContentProtection"
if grep -q 'urn:uuid:9a04f079\|urn:uuid:1077efec' "$cid_mpd"; then fail "$cid_mpd has other systems"; fi
for t in video audio; do
  [ "$(pssh_systems "$OUT/cenc-content-id/$t/init.mp4")" = "Widevine(edef8ba9)" ] || fail "cenc-content-id/$t/init.mp4: not the Widevine box alone"
  od -An -v -tx1 "$OUT/cenc-content-id/$t/init.mp4" | tr -d ' \n' | grep -q "$WV_CONTENT_ID_PSSH" || fail "cenc-content-id/$t/init.mp4 lacks the content-id PSSH"
done

# HLS: the tags each key system needs, the session keys, and the media decrypting to the source.
for pl in video audio; do
  m="$OUT/hls/$pl.m3u8"
  grep -q "KEYFORMAT=\"com.apple.streamingkeydelivery\"" "$m" || fail "$m lacks the FairPlay EXT-X-KEY"
  grep -q "URI=\"$SKD_URI\"" "$m" || fail "$m lacks the skd URI"
  grep -q 'KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"' "$m" || fail "$m lacks the Widevine EXT-X-KEY"
  grep -q 'KEYFORMAT="com.microsoft.playready"' "$m" || fail "$m lacks the PlayReady EXT-X-KEY"
  if grep -q 'KEYFORMAT="identity"' "$m"; then fail "$m has an identity key (CommonSystem)"; fi
  cmp -s "$m" "$TMP/hls-session-keys/$pl.m3u8" || fail "the session-keys run made other media playlists"
done
for pl in video audio; do
  m="$OUT/hls-content-id/$pl.m3u8"
  [ "$(grep -c '#EXT-X-KEY' "$m")" = 1 ] || fail "$m: not the one Widevine EXT-X-KEY"
  grep -q 'KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"' "$m" || fail "$m lacks the Widevine EXT-X-KEY"
done
for pl in video audio; do
  m="$OUT/hls-cenc/$pl.m3u8"
  [ "$(grep -c '#EXT-X-KEY:METHOD=SAMPLE-AES-CTR' "$m")" = 2 ] || fail "$m: not two SAMPLE-AES-CTR EXT-X-KEYs"
  grep -q 'KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"' "$m" || fail "$m lacks the Widevine EXT-X-KEY"
  grep -q 'KEYFORMAT="com.microsoft.playready"' "$m" || fail "$m lacks the PlayReady EXT-X-KEY"
done
for track in video audio; do
  if [ "$track" = video ]; then key="$VIDEO_KEY"; else key="$AUDIO_KEY"; fi
  got="$(od -An -v -tx1 "$OUT/hls/identity-keys/$track.key" | tr -d ' \n')"
  [ "$got" = "$key" ] || fail "hls/identity-keys/$track.key is not the $track key (16 octets): $got"
  grep -q "URI=\"identity-keys/$track.key\".*KEYFORMAT=\"identity\"" "$OUT/hls/$track-identity.m3u8" || fail "$track-identity.m3u8 lacks its identity key"
done
for kid in "$VIDEO_KID" "$HD_KID" "$AUDIO_KID"; do
  dashed="${kid:0:8}-${kid:8:4}-${kid:12:4}-${kid:16:4}-${kid:20:12}"
  grep -q "cenc:default_KID=\"$dashed\"" "$OUT/sd-hd/manifest.mpd" || fail "sd-hd/manifest.mpd lacks default_KID $dashed"
done
grep -q 'height="360"' "$OUT/sd-hd/manifest.mpd" && grep -q 'height="180"' "$OUT/sd-hd/manifest.mpd" || fail "sd-hd: not an SD and an HD rendition"
grep -q '#EXT-X-SESSION-KEY' "$OUT/hls/master-session-keys.m3u8" || fail "master-session-keys.m3u8 lacks EXT-X-SESSION-KEY"
if grep -q '#EXT-X-SESSION-KEY' "$OUT/hls/master.m3u8"; then fail "master.m3u8 has session keys"; fi
for folder in hls hls-cenc; do
  for t in video audio; do
    dec="$TMP/dec-$folder-$t"
    mkdir -p "$dec"
    cat "$OUT/$folder/$t/init.mp4" "$OUT/$folder/$t"/seg-*.m4s >"$dec/in.mp4"
    "$PACKAGER" "in=$dec/in.mp4,stream=$t,output=$dec/out.mp4" --enable_raw_key_decryption --keys "$KEYS" >"$dec/log" 2>&1 \
      || { cat "$dec/log" >&2; fail "decryption of $folder/$t failed"; }
    got="$(packets_md5 "$dec/out.mp4" "$t")" || fail "reading decrypted $folder/$t failed"
    want="$(packets_md5 "$TMP/source.mp4" "$t")"
    [ "$got" = "$want" ] || fail "decrypted $folder/$t differs from the source ($got != $want)"
    echo "== verified $folder/$t: decrypts to the source's samples (md5 $got)"
  done
done

total=$(find "$OUT" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$total" -lt "$MAX_BYTES" ] || fail "content/ is $total bytes (limit $MAX_BYTES)"

echo "== OK: $OUT/ is $total bytes"
