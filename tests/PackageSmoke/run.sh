#!/usr/bin/env bash
# Package smoke test: pack FBNetV2.MLNet, FBNetV2.MLNet.Runs (runs and reports) and the fbnet tool with a fresh
# version, consume them from the local nuget/ folder the way a user would, and check that
#   - the library package ships buildTransitive/FBNetV2.MLNet.targets,
#   - a fresh `dotnet new console` app referencing FBNetV2.MLNet + the native packages builds, its
#     libLibTorchSharp.so is patched by that targets file (GLIBCXX_3.4.32 weak), TorchSharp loads (Debian 12's
#     libstdc++ is too old without the patch), the Compact-S network runs and ONNX Runtime scores its export,
#   - `dotnet tool install` of FBNetV2.MLNet.Cli works and `fbnet archs` / `fbnet train` run,
#   - the packages carry their metadata (LICENSE, README, license expression, repository URL and commit) and symbol
#     packages whose PDBs have SourceLink and deterministic (/_/) source paths: the copy is packed as CI packs it
#     (CI=true, from a git repository whose origin is the project's public home),
#   - a second app, examples/ImageFolder/Program.cs (the README sample) built against the package, searches, trains,
#     saves and predicts; the first app checks by reflection that no supernet internal is a public type,
#   - the core package's dependency closure (printed) has no plotting package (OxyPlot, ScottPlot, HarfBuzz): the
#     reports live in FBNetV2.MLNet.Runs, which the tool uses. FBNET_CHECK_NO_PLOTTING=0 prints it without failing.
# Exits non-zero on any failure. FBNET_SMOKE_KEEP=1 keeps the temp folder.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
version="0.1.0-ci.$(date -u +%Y%m%d%H%M%S)"
work="$(mktemp -d "${TMPDIR:-/tmp}/fbnet-package-smoke.XXXXXX")"
# Pack a copy of the working tree (tracked and untracked, not ignored files): a Release build with another version
# must not overwrite the bin/ folders of a test run that may be executing this script.
src="$work/src"
feed="$src/nuget"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
start=$SECONDS
log() { echo "[package-smoke +$((SECONDS - start))s] $*"; }
fail() { echo "[package-smoke] FAILED: $*" >&2; exit 1; }
cleanup() {
  # The fresh version is only for this run: drop it from the package cache.
  rm -rf "$packages/fbnetv2.mlnet/$version" "$packages/fbnetv2.mlnet.runs/$version" "$packages/fbnetv2.mlnet.cli/$version"
  if [ "${FBNET_SMOKE_KEEP:-0}" = 1 ]; then echo "[package-smoke] kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -cf - -T - 2>/dev/null) | tar -xf - -C "$src"
# A repository of its own for the copy, as a CI checkout has: SourceLink reads the origin URL and the commit from it.
public_home="https://github.com/fbnetv2-mlnet/FBNetV2.MLNet"
(cd "$src" && git init -q && git remote add origin "$public_home.git" && git add -A \
  && git -c user.name=smoke -c user.email=smoke@localhost -c commit.gpgsign=false commit -qm "package smoke copy") || fail "git init of the copy"
commit="$(git -C "$src" rev-parse HEAD)"
log "packing $version into $feed (a copy of $repo, as CI packs it: CI=true)"
# The three packable projects only: packing the solution also built the tests and examples, each bin folder with its
# own copy of libtorch (about 0.85 GB apiece), and a CI machine with little free disk ran out of space later on.
for project in src/FBNetV2.MLNet src/FBNetV2.MLNet.Runs src/FBNetV2.MLNet.Cli; do
  CI=true dotnet pack "$src/$project" -c Release -p:Version="$version" -nologo -v:q >> "$work/pack.log" 2>&1 \
    || { tail -40 "$work/pack.log"; fail "dotnet pack $project"; }
done
# The copy's build outputs are not needed after packing.
find "$src" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
lib="$feed/FBNetV2.MLNet.$version.nupkg"
runs="$feed/FBNetV2.MLNet.Runs.$version.nupkg"
cli="$feed/FBNetV2.MLNet.Cli.$version.nupkg"
[ -f "$lib" ] || fail "no $lib"
[ -f "$runs" ] || fail "no $runs"
[ -f "$cli" ] || fail "no $cli"
unexpected=$(ls "$feed" | grep -F "$version" | grep -v -E "^FBNetV2\.MLNet(\.Runs|\.Cli)?\.$version\.s?nupkg$" || true)
[ -z "$unexpected" ] || fail "pack wrote other packages: $unexpected"
log "packed $(du -h "$lib" | cut -f1) library, $(du -h "$runs" | cut -f1) runs and reports, $(du -h "$cli" | cut -f1) tool"

entries="$(unzip -Z1 "$lib")"
grep -qx "buildTransitive/FBNetV2.MLNet.targets" <<<"$entries" || fail "library package lacks buildTransitive/FBNetV2.MLNet.targets"
grep -qx "lib/net10.0/FBNetV2.MLNet.dll" <<<"$entries" || fail "library package lacks lib/net10.0/FBNetV2.MLNet.dll"
# Listings go through variables: `unzip | grep -q` fails under pipefail when grep stops reading early.
cli_entries="$(unzip -Z1 "$cli")"
grep -q "tools/net10.0/any/fbnet.dll" <<<"$cli_entries" || fail "tool package lacks tools/net10.0/any/fbnet.dll"
grep -q "DotnetToolSettings.xml" <<<"$cli_entries" || fail "tool package lacks DotnetToolSettings.xml"

log "checking package metadata, symbols and SourceLink"
for pkg in "$lib" "$runs" "$cli"; do
  name="$(basename "$pkg")"
  pkg_entries="$(unzip -Z1 "$pkg")"
  grep -qx "LICENSE" <<<"$pkg_entries" || fail "$name lacks LICENSE"
  grep -qx "README.md" <<<"$pkg_entries" || fail "$name lacks README.md"
  nuspec="$(unzip -p "$pkg" '*.nuspec')"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$name: no MIT license expression in the nuspec"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$name: no <readme> in the nuspec"
  grep -q "<projectUrl>$public_home</projectUrl>" <<<"$nuspec" || fail "$name: no projectUrl $public_home"
  repository="$(grep -o '<repository [^>]*>' <<<"$nuspec" || true)"
  grep -qF "url=\"$public_home.git\"" <<<"$repository" && grep -qF "commit=\"$commit\"" <<<"$repository" \
    || fail "$name: the nuspec's <repository> lacks url $public_home.git or commit $commit: $repository"
  cmp -s <(unzip -p "$pkg" LICENSE) "$src/LICENSE" || fail "$name: LICENSE differs from the repository's"
done
# The package README shows the README sample verbatim (the region of examples/ImageFolder/Program.cs that builds).
python3 - "$src/examples/ImageFolder/Program.cs" <(unzip -p "$lib" README.md) <<'PY' || fail "the package README lost the ImageFolder sample (docs/package-readme.md)"
import sys
example, readme = open(sys.argv[1]).read(), open(sys.argv[2]).read()
start, end = example.index("// <readme>"), example.index("// </readme>")
sys.exit(0 if example[example.index("\n", start) + 1:end].strip() in readme else 1)
PY
lib_snupkg="${lib%.nupkg}.snupkg"
[ -f "$lib_snupkg" ] || fail "no symbol package $lib_snupkg"
[ -f "${cli%.nupkg}.snupkg" ] || fail "no symbol package for the tool"
unzip -p "$lib_snupkg" lib/net10.0/FBNetV2.MLNet.pdb > "$work/FBNetV2.MLNet.pdb" || fail "the symbol package lacks lib/net10.0/FBNetV2.MLNet.pdb"
# The SourceLink JSON is stored as plain UTF-8 in the portable PDB; source paths are mapped to /_/ in a CI build.
sourcelink="https://raw.githubusercontent.com/fbnetv2-mlnet/FBNetV2.MLNet/$commit/*"
grep -aqF "\"/_/*\":\"$sourcelink\"" "$work/FBNetV2.MLNet.pdb" \
  || fail "the PDB has no SourceLink entry /_/* -> $sourcelink: $(grep -aoE '\{"documents":[^}]*\}' "$work/FBNetV2.MLNet.pdb" | head -1)"
# A portable PDB stores each document path as separate name parts: look for the temp folder's own name.
grep -aqF "$(basename "$work")" "$work/FBNetV2.MLNet.pdb" && fail "the PDB holds build-machine paths ($src/...): the CI build is not deterministic"
log "LICENSE, README, license expression, repository $public_home.git @ ${commit:0:10}; symbols with SourceLink, /_/ paths"

log "creating a console app that references FBNetV2.MLNet $version"
app="$work/app"
dotnet new console -o "$app" -n SmokeApp --framework net10.0 --no-restore > "$work/new.log" 2>&1 || { cat "$work/new.log"; fail "dotnet new console"; }
# The app's NuGet.config is the one nuget/README.md tells users to copy, with the feed's path filled in.
[ -f "$feed/NuGet.config.example" ] || fail "nuget/NuGet.config.example is missing (it must be tracked)"
sed "s|FBNET_LOCAL_FEED|$feed|" "$feed/NuGet.config.example" > "$app/NuGet.config"
cat > "$app/SmokeApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FBNetV2.MLNet" Version="$version" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
    <PackageReference Include="SkiaSharp.NativeAssets.Linux.NoDependencies" Version="2.88.9" />
  </ItemGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

var arch = PredefinedArchitectures.Get("Compact-S");
using var net = new FBNetNetwork(arch); // loads libLibTorchSharp.so
long parameters = net.ParameterCount();
Console.WriteLine($"Compact-S: {arch.Flops / 1e6:F3} MFLOPs, {arch.Parameters} parameters (TorchSharp module: {parameters})");
if (parameters != arch.Parameters) { Console.Error.WriteLine("parameter count mismatch"); return 1; }

net.eval();
using var x = torch.rand(2, arch.InputChannels, arch.InputSize, arch.InputSize);
using var y = net.forward(x);
if (!y.shape.SequenceEqual(new long[] { 2, arch.NumClasses })) { Console.Error.WriteLine($"output shape [{string.Join(", ", y.shape)}]"); return 1; }
var torchOut = y.softmax(1).data<float>().ToArray();
if (torchOut.Any(v => !float.IsFinite(v))) { Console.Error.WriteLine("non-finite output"); return 1; }

using var session = new InferenceSession(OnnxExporter.Export(net));
var input = new DenseTensor<float>(x.data<float>().ToArray(), new[] { 2, arch.InputChannels, arch.InputSize, arch.InputSize });
using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input) });
var onnxOut = results.First().AsEnumerable<float>().ToArray();
double diff = onnxOut.Zip(torchOut, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"forward [2, {arch.InputChannels}, {arch.InputSize}, {arch.InputSize}] -> [{string.Join(", ", y.shape)}]; ONNX Runtime agrees within {diff:E1}");
if (onnxOut.Length != torchOut.Length || diff > 1e-3) { Console.Error.WriteLine("ONNX Runtime disagrees with TorchSharp"); return 1; }
// The package's public surface holds none of the supernet's internals (issue 17): a user cannot see or use them. Nor
// the search's and training's own machinery (derivation, expected costs, the inner loops and their options) or the
// data readers behind the runs: the ML.NET catalog, the architecture description and the latency table are the API.
var hidden = new[] { "Supernet", "SuperLayer", "SuperBlock", "SuperInvertedResidual", "ChannelMask", "MaskedBatchNorm", "GumbelSoftmax",
    "ResolutionMixing", "OnnxLatencyMeter", "LatencyKeys", "Divisible", "RunArtifacts",
    "BudgetedDerivation", "ExpectedCost", "ExpectedLatency", "ArchitectureChoice", "CostModel", "DefaultBudget", "DMaskingSearch",
    "SearchOptions", "SearchDecisions", "ArchitectureString", "ArchitectureCost", "BlockType", "LatencyModel", "NetworkTrainer",
    "TrainingOptions", "TrainingResult", "Evaluation", "IdxFile", "ImageDecoder", "LabeledImages", "FashionMnist" };
var exported = typeof(FBNetNetwork).Assembly.GetExportedTypes();
Console.WriteLine($"FBNetV2.MLNet exports {exported.Length} public types in {exported.Select(t => t.Namespace).Distinct().Count()} namespaces");
var leaked = exported.Where(t => hidden.Contains(t.Name)).Select(t => t.FullName).ToArray();
if (leaked.Length > 0) { Console.Error.WriteLine($"internal types are public: {string.Join(", ", leaked)}"); return 1; }
if (exported.Length < 10) { Console.Error.WriteLine("the public surface is implausibly small: the check above would prove nothing"); return 1; }
Console.WriteLine("SMOKE OK");
return 0;
CS
(cd "$app" && dotnet build -c Release -nologo -v:n > "$work/build.log" 2>&1) || { grep -E "error|warn" "$work/build.log" | tail -30; fail "building the console app"; }
so="$(find "$app/bin/Release" -name libLibTorchSharp.so | head -1)"
[ -n "$so" ] || fail "no libLibTorchSharp.so in the app's output"
readelf -V "$so" | grep -A0 "GLIBCXX_3.4.32" | grep -q "WEAK" \
  || fail "libLibTorchSharp.so in the app's output was not patched (buildTransitive/FBNetV2.MLNet.targets did not run)"
grep -q "FBNetV2.MLNet: marked GLIBCXX_3.4.32 weak" "$work/build.log" || log "note: the patch message was not in the build log (the library may already have been patched)"
log "built; libLibTorchSharp.so carries GLIBCXX_3.4.32 as weak"

# What `dotnet add package FBNetV2.MLNet` brings into an app: the closure of the package's dependencies as NuGet
# resolved them for this app (obj/project.assets.json), walked from FBNetV2.MLNet alone (the app's own native
# packages are not in it unless the library needs them).
log "dependency closure of FBNetV2.MLNet $version"
python3 - "$app/obj/project.assets.json" "FBNetV2.MLNet" "$version" > "$work/closure.txt" <<'PY' || fail "reading the dependency closure"
import json, sys
assets, root, version = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
(target,) = [t for k, t in assets["targets"].items() if "/" not in k]  # the framework target, not a RID one
by_name = {key.split("/")[0].lower(): (key, lib) for key, lib in target.items()}
seen, stack = {}, [root]
while stack:
    key, lib = by_name[stack.pop().lower()]
    if key in seen: continue
    seen[key] = lib
    stack.extend(lib.get("dependencies", {}))
assert f"{root}/{version}" in seen, f"{root}/{version} not resolved"
for key in sorted(seen, key=str.lower):
    if key != f"{root}/{version}": print(key)
PY
sed 's/^/    /' "$work/closure.txt"
log "$(wc -l < "$work/closure.txt") packages in the closure"
plotting="$(grep -iE '^(oxyplot|scottplot|plotly|livecharts)|harfbuzz' "$work/closure.txt" | tr '\n' ' ' || true)"
closure_failure=""
if [ -z "$plotting" ]; then
  log "no plotting package in the closure"
elif [ "${FBNET_CHECK_NO_PLOTTING:-1}" = 1 ]; then
  # Reported at the end, so that the remaining checks still run.
  closure_failure="plotting packages in the core package's dependency closure: $plotting"
  log "FAILED (reported at the end): $closure_failure"
else
  log "NOT CHECKED (FBNET_CHECK_NO_PLOTTING=0, issue 17): plotting packages in the closure: $plotting"
fi
(cd "$app" && dotnet "bin/Release/net10.0/SmokeApp.dll") | tee "$work/app.out"
grep -q "SMOKE OK" "$work/app.out" || fail "the console app did not finish"

# The README sample as a user's own app: examples/ImageFolder/Program.cs (its <readme> region is the README's sample,
# kept equal by ReadmeSampleTests) compiled against the package alone, run on 10 images per class of the sample.
log "building and running the README sample (examples/ImageFolder/Program.cs) against FBNetV2.MLNet $version"
readme_app="$work/readme-app"
mkdir -p "$readme_app"
cp "$app/NuGet.config" "$readme_app/"
cp "$app/SmokeApp.csproj" "$readme_app/ReadmeApp.csproj"
cp "$src/examples/ImageFolder/Program.cs" "$readme_app/Program.cs"
(cd "$readme_app" && dotnet build -c Release -nologo -v:q > "$work/readme-build.log" 2>&1) || { grep -E "error|warn" "$work/readme-build.log" | tail -30; fail "building the README sample against the package"; }
(cd "$readme_app" && dotnet bin/Release/net10.0/ReadmeApp.dll "$src/examples/FashionMnist/data/sample/train" "$work/readme-model.zip" 10) > "$work/readme.out" 2>&1 \
  || { tail -20 "$work/readme.out"; fail "the README sample exited non-zero"; }
grep -E "Searched architecture|MFLOPs|predicted" "$work/readme.out" | sed 's/^/    /'
[ -f "$work/readme-model.zip" ] && grep -q "predicted" "$work/readme.out" || fail "the README sample saved no model or predicted nothing"

# Each app's bin folder holds a copy of libtorch: drop them before the tool brings its own.
rm -rf "$app/bin" "$readme_app/bin" "$readme_app/obj"
log "installing the fbnet tool $version into a tool path (free disk under $work: $(df -h --output=avail "$work" | tail -1 | tr -d ' '))"
tools="$work/tools"
dotnet tool install FBNetV2.MLNet.Cli --tool-path "$tools" --add-source "$feed" --version "$version" > "$work/tool.log" 2>&1 \
  || { cat "$work/tool.log"; fail "dotnet tool install"; }
"$tools/fbnet" archs | tee "$work/archs.out"
grep -q "Compact-S" "$work/archs.out" || fail "fbnet archs did not list Compact-S"
"$tools/fbnet" archs --json > "$work/archs.json"
python3 -c "import json,sys; rows=json.load(open(sys.argv[1])); assert any(r['name']=='Compact-S' for r in rows)" "$work/archs.json" \
  || fail "fbnet archs --json is not the expected JSON"
set +e; "$tools/fbnet" train --data "$work/nope" --out "$work/out" --arch Compact-S 2> "$work/bad.err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "fbnet with a missing --data exited $rc, expected 1"
set +e; "$tools/fbnet" serach 2> /dev/null; rc=$?; set -e
[ "$rc" = 2 ] || fail "fbnet with an unknown command exited $rc, expected 2"
tool_so="$(find "$tools/.store" -name libLibTorchSharp.so | head -1)"
[ -n "$tool_so" ] || fail "the tool package carries no libLibTorchSharp.so"
readelf -V "$tool_so" | grep "GLIBCXX_3.4.32" | grep -q "WEAK" || fail "the tool's libLibTorchSharp.so is not patched"
log "training five epochs with the installed tool (TorchSharp inside the tool)"
# 5 epochs: one epoch ended at chance (33 %) for seeds 1-5, so a check could not tell a tool that learns. Measured with
# the same command and seeds 1-5 (2026-12-02): 62.67, 64.67, 61.00, 60.67, 61.33 % on the 300 test images (sd 1.64, a
# bound of 57 %). Five seeds understated the spread: on 2026-12-06, with MKL's reproducible mode (which changes the
# summation order, so each seed is another draw), seeds 1-10 gave 54.67, 61.00, 57.33, 64.00, 65.00, 58.67, 60.00,
# 68.33, 69.00, 65.67 % (mean 62.37, sd 4.78), and the build before it on the same machine 66.00, 64.33, 59.00, 60.00,
# 66.33, 60.00, 62.67, 57.00, 70.33, 65.67 % (mean 63.13, sd 4.12): the same learning, a seed 1 that drew low (54.67 %,
# under the old bound). The bound is the new build's mean - 3 sd = 48 % (chance is 10 %).
"$tools/fbnet" train --data "$src/examples/FashionMnist/data/sample" --out "$work/run" --arch Compact-S --epochs 5 --batch-size 64 --json > "$work/train.json"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['parameters']>0 and 0<=r['testAccuracy']<=1" "$work/train.json" \
  || fail "fbnet train --json is not the expected JSON"
python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['testAccuracy']; sys.exit(0 if a>=0.48 else 1)" "$work/train.json" \
  || fail "fbnet train reached $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['testAccuracy'])" "$work/train.json") test accuracy after 5 epochs; seeds 1-10 measured 54.7-69.0 % (bound 48 %)"
[ -f "$work/run/model.zip" ] || fail "fbnet train wrote no model.zip"
[ -z "$closure_failure" ] || fail "$closure_failure (every other check passed)"
log "PASSED in $((SECONDS - start)) s"
