#!/usr/bin/env bash
# Package smoke test: pack FBNetV2.MLNet and the fbnet tool with a fresh version, consume them from the local nuget/
# folder the way a user would, and check that
#   - the library package ships buildTransitive/FBNetV2.MLNet.targets,
#   - a fresh `dotnet new console` app referencing FBNetV2.MLNet + the native packages builds, its
#     libLibTorchSharp.so is patched by that targets file (GLIBCXX_3.4.32 weak), TorchSharp loads (Debian 12's
#     libstdc++ is too old without the patch), the Compact-S network runs and ONNX Runtime scores its export,
#   - `dotnet tool install` of FBNetV2.MLNet.Cli works and `fbnet archs` / `fbnet train` run.
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
  rm -rf "$packages/fbnetv2.mlnet/$version" "$packages/fbnetv2.mlnet.cli/$version"
  if [ "${FBNET_SMOKE_KEEP:-0}" = 1 ]; then echo "[package-smoke] kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -cf - -T - 2>/dev/null) | tar -xf - -C "$src"
log "packing $version into $feed (a copy of $repo)"
dotnet pack "$src/FBNetV2.MLNet.sln" -c Release -p:Version="$version" -nologo -v:q > "$work/pack.log" 2>&1 \
  || { tail -40 "$work/pack.log"; fail "dotnet pack"; }
lib="$feed/FBNetV2.MLNet.$version.nupkg"
cli="$feed/FBNetV2.MLNet.Cli.$version.nupkg"
[ -f "$lib" ] || fail "no $lib"
[ -f "$cli" ] || fail "no $cli"
unexpected=$(ls "$feed" | grep -F "$version" | grep -v -E "^FBNetV2\.MLNet(\.Cli)?\.$version\.s?nupkg$" || true)
[ -z "$unexpected" ] || fail "pack wrote other packages: $unexpected"
log "packed $(du -h "$lib" | cut -f1) library, $(du -h "$cli" | cut -f1) tool"

entries="$(unzip -Z1 "$lib")"
grep -qx "buildTransitive/FBNetV2.MLNet.targets" <<<"$entries" || fail "library package lacks buildTransitive/FBNetV2.MLNet.targets"
grep -qx "lib/net10.0/FBNetV2.MLNet.dll" <<<"$entries" || fail "library package lacks lib/net10.0/FBNetV2.MLNet.dll"
unzip -Z1 "$cli" | grep -q "tools/net10.0/any/fbnet.dll" || fail "tool package lacks tools/net10.0/any/fbnet.dll"
unzip -Z1 "$cli" | grep -q "DotnetToolSettings.xml" || fail "tool package lacks DotnetToolSettings.xml"

log "creating a console app that references FBNetV2.MLNet $version"
app="$work/app"
dotnet new console -o "$app" -n SmokeApp --framework net10.0 --no-restore > "$work/new.log" 2>&1 || { cat "$work/new.log"; fail "dotnet new console"; }
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The local feed, on top of the default source(s) from the user's NuGet configuration. -->
    <add key="fbnet-local" value="$feed" />
  </packageSources>
</configuration>
XML
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
(cd "$app" && dotnet "bin/Release/net10.0/SmokeApp.dll") | tee "$work/app.out"
grep -q "SMOKE OK" "$work/app.out" || fail "the console app did not finish"

log "installing the fbnet tool $version into a tool path"
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
log "training one epoch with the installed tool (TorchSharp inside the tool)"
"$tools/fbnet" train --data "$src/examples/FashionMnist/data/sample" --out "$work/run" --arch Compact-S --epochs 1 --batch-size 64 --json > "$work/train.json"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['parameters']>0 and 0<=r['testAccuracy']<=1" "$work/train.json" \
  || fail "fbnet train --json is not the expected JSON"
[ -f "$work/run/model.zip" ] || fail "fbnet train wrote no model.zip"
log "PASSED in $((SECONDS - start)) s"
