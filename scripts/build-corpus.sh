#!/bin/sh
# Rebuild the synthetic test corpus: corpus/*.pdf and corpus/truth.json
# from the sources in corpus/src/ (one YAML file per report, plus links.yaml).
#
# This script installs nothing. It needs:
#   python3 with PyYAML          (apt: python3-yaml, or pip install pyyaml)
#   poppler-utils                (pdftotext, pdfinfo)
#   chromium                     (apt: chromium)
#   LibreOffice Writer           (apt: libreoffice-writer; soffice on PATH)
#   groff with gropdf            (apt: groff; groff-base alone lacks -Tpdf)
#   qpdf (optional)              sets a Unicode /Title on the groff PDFs
#   hyphenation patterns for LibreOffice (apt: hyphen-en-gb)
#   fonts: Liberation, DejaVu    (apt: fonts-liberation2 fonts-dejavu-core)
#
# Usage: scripts/build-corpus.sh [--only ID ...]   then scripts/corpus/check.py
# Output is deterministic in content, but PDF bytes differ between runs
# (creation dates, producer versions).
set -eu
cd "$(dirname "$0")/.."
missing=""
for tool in python3 pdftotext pdfinfo chromium soffice groff; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if ! groff -Tpdf </dev/null >/dev/null 2>&1; then missing="$missing groff(-Tpdf: install the full 'groff' package)"; fi
python3 -c 'import yaml' 2>/dev/null || missing="$missing python3-yaml"
if [ -n "$missing" ]; then
  echo "build-corpus: missing:$missing" >&2
  exit 1
fi
python3 scripts/corpus/gen.py "$@"
python3 scripts/corpus/check.py
