# bash completion for keyward                                    -*- shell-script -*-
# Installed to share/bash-completion/completions/keyward (bash-completion loads it on
# demand); or source it from ~/.bashrc.

_keyward_rule_ids() {
  # `keyward rules` lists one rule per line, id first, then a "N rules" total.
  "${1:-keyward}" rules 2>/dev/null | sed '$d' | awk '{print $1}'
}

_keyward() {
  local cur prev cmd i
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  local commands="rules install uninstall baseline revoke help version"
  local scan_opts="-C - --stdin --stdin-name --format -o --output --show-secrets --config
    --baseline --no-baseline --report-unused --verify --rules -j --jobs --strict --color --no-color --no-progress
    -q --quiet -v --verbose --all-history --all-objects --range --hook -h --help --version"

  # The subcommand, if any, is the first word after the program name.
  cmd=""
  [ "${COMP_CWORD}" -gt 1 ] && cmd="${COMP_WORDS[1]}"

  case "$prev" in
    --format) COMPREPLY=($(compgen -W "text json sarif gitlab" -- "$cur")); return 0 ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return 0 ;;
    --hook) COMPREPLY=($(compgen -W "pre-commit pre-merge-commit pre-push pre-receive commit-msg" -- "$cur")); return 0 ;;
    -C|--rules) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    -o|--output|--config|--baseline|--stdin-name) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    -j|--jobs|--range) return 0 ;;
  esac

  case "$cmd" in
    rules)
      if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "--test --compile --system --format --rules --config --help" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_keyward_rule_ids "${COMP_WORDS[0]}")" -- "$cur"))
      fi
      return 0 ;;
    revoke) COMPREPLY=($(compgen -W "--yes $scan_opts" -- "$cur")); [ ${#COMPREPLY[@]} -gt 0 ] || COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    install) COMPREPLY=($(compgen -W "--pre-push --pre-receive --force --global --help" -- "$cur")); return 0 ;;
    uninstall) COMPREPLY=($(compgen -W "--global --help" -- "$cur")); return 0 ;;
    help) [ "${COMP_CWORD}" -eq 2 ] && COMPREPLY=($(compgen -W "rules install uninstall baseline" -- "$cur")); return 0 ;;
    version) return 0 ;;
    baseline) ;;  # takes the scan options
  esac

  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$scan_opts" -- "$cur"))
  elif [ "${COMP_CWORD}" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur") $(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -o filenames -o bashdefault -F _keyward keyward
