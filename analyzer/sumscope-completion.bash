# bash completion for sumscope(1): options, the values of --profile,
# --color and --fail-on, interfaces for -i, folders for --csv/--tsv, and capture files (pcap, pcapng, cap,
# also gzipped) for the rest. Self-contained: needs no bash-completion
# helpers, though it is installed where bash-completion looks for it.
_sumscope()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=""
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    local opts="--json --html --csv --tsv --filter --sum-host --range --profile --fail-on
                --each --quiet --color --version --help --read --interface --duration
                --write -f -q -V -h -r -i -w"
    # "--opt=value": complete the value.
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
    case $prev in
        --profile)
            COMPREPLY=($(compgen -W "auto classic 7 8" -- "$cur"))
            return 0 ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return 0 ;;
        --fail-on)
            COMPREPLY=($(compgen -W "error warning never" -- "$cur"))
            return 0 ;;
        -i|--interface)
            COMPREPLY=($(compgen -W "any $(ls /sys/class/net 2>/dev/null)" -- "$cur"))
            return 0 ;;
        -w|--write)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return 0 ;;
        --range)
            COMPREPLY=($(compgen -W "message= callback= control= firmware= ipc= bootstrap=" \
                         -- "$cur"))
            compopt -o nospace 2>/dev/null
            return 0 ;;
        --csv|--tsv)
            COMPREPLY=($(compgen -d -- "$cur"))
            compopt -o filenames 2>/dev/null
            return 0 ;;
        --json|--html)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return 0 ;;
        -f|--filter|--sum-host|--duration)
            return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi
    local IFS=$'\n' f
    COMPREPLY=()
    for f in $(compgen -f -- "$cur"); do
        if [ -d "$f" ]; then
            COMPREPLY+=("$f")
        else
            case $f in
                *.pcap|*.pcapng|*.cap|*.pcap.gz|*.pcapng.gz|*.ntar) COMPREPLY+=("$f") ;;
            esac
        fi
    done
    compopt -o filenames 2>/dev/null
    return 0
}
complete -F _sumscope sumscope
