# Not yet run on a machine with Nix (none was available when it was written): `nix flake check` there also
# creates flake.lock, which should then be committed.
{
  description = "clawprint: reproducible, offline security audit of OpenClaw hosts";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = import nixpkgs { inherit system; };
        lib = pkgs.lib;
        cargoToml = builtins.fromTOML (builtins.readFile ./Cargo.toml);
        # The tests that cannot pass inside the build sandbox (see README, Development):
        # the golden case's exec provider command /bin/echo does not exist there.
        sandboxSkips = [ "exec_sources_are_reported_not_run" ];

        clawprint = pkgs.rustPlatform.buildRustPackage {
          pname = "clawprint";
          inherit (cargoToml.package) version;
          # Sources without build output or editor state (a git checkout already leaves target/ out).
          src = lib.cleanSourceWith {
            src = lib.cleanSource ./.;
            filter = path: _type: !(lib.elem (baseNameOf path) [ "target" "result" ]);
          };
          cargoLock.lockFile = ./Cargo.lock;
          # Tests run in `checks.tests` below; the package build stays fast.
          doCheck = false;
          nativeBuildInputs = [ pkgs.installShellFiles ];
          # Completions and man pages come from the binary itself (same clap definitions as --help).
          postInstall = lib.optionalString (pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform) ''
            installShellCompletion --cmd clawprint \
              --bash <($out/bin/clawprint completions bash) \
              --zsh <($out/bin/clawprint completions zsh) \
              --fish <($out/bin/clawprint completions fish)
            mkdir -p man
            $out/bin/clawprint man --dir man > /dev/null
            installManPage man/*.1
          '';
          meta = {
            description = cargoToml.package.description;
            license = with lib.licenses; [ mit asl20 ];
            mainProgram = "clawprint";
            platforms = lib.platforms.unix;
          };
        };
      in {
        packages.default = clawprint;
        apps.default = flake-utils.lib.mkApp { drv = clawprint; };

        # `nix flake check`: the whole test suite (no network needed: conformance data is in the tree; tests
        # that need root skip themselves) and clippy as CI runs it.
        checks = {
          tests = clawprint.overrideAttrs (_: {
            pname = "clawprint-tests";
            doCheck = true;
            checkFlags = map (t: "--skip=${t}") sandboxSkips;
          });
          clippy = clawprint.overrideAttrs (old: {
            pname = "clawprint-clippy";
            nativeBuildInputs = old.nativeBuildInputs ++ [ pkgs.clippy ];
            buildPhase = ''
              runHook preBuild
              cargo clippy --all-targets --offline --locked -- -D warnings
              runHook postBuild
            '';
            installPhase = "touch $out";
            postInstall = "";
            doCheck = false;
          });
        };

        devShells.default = pkgs.mkShell {
          inputsFrom = [ clawprint ];
          packages = with pkgs; [ cargo rustc clippy rustfmt rust-analyzer just hyperfine cargo-fuzz nodejs ];
        };
      });
}
