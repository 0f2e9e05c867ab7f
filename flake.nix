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
        clawprint = pkgs.rustPlatform.buildRustPackage {
          pname = "clawprint";
          version = "0.1.0";
          src = ./.;
          cargoLock.lockFile = ./Cargo.lock;
          # Tests run in `checks` below; the package build stays fast.
          doCheck = false;
          meta = {
            description = "Capture, audit, diff and fix OpenClaw hosts offline";
            mainProgram = "clawprint";
          };
        };
      in {
        packages.default = clawprint;
        apps.default = flake-utils.lib.mkApp { drv = clawprint; };
        checks.tests = clawprint.overrideAttrs (_: { doCheck = true; });
        devShells.default = pkgs.mkShell {
          packages = with pkgs; [ cargo rustc clippy rustfmt rust-analyzer just hyperfine cargo-fuzz nodejs ];
        };
      });
}
