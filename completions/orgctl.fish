# fish completion for orgctl(1).
#
# Holds no list of commands, verbs or options: it asks the binary, with
# `orgctl __complete WORD... CURRENT`, which prints the candidates for CURRENT given the
# words before it. Global options among those words (-C DIR, --org ORG) reach the
# binary too, so object names come from the repository and org the command line names.

function __orgctl_complete
    # The words before the cursor, unquoted, and the word being completed.
    set -l words (commandline -opc)
    set -l cur (commandline -ct | string unescape)
    set -l cmd $words[1]
    set -e words[1]
    set -l prev $words[-1]
    set -l globals
    set -l command
    # The repository the command line names, for completing org names; and the command.
    set -l skip 0
    for i in (seq (count $words))
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $words[$i]
            case -C
                set -a globals -C $words[(math $i + 1)] 2>/dev/null
                set skip 1
            case --org --as -o --output --lock-timeout
                set skip 1
            case '-*'
            case '*'
                test -z "$command"; and set command $words[$i]
        end
    end

    switch "$prev"
        case -C
            __fish_complete_directories $cur
            return
        case -o --output
            printf '%s\n' table json csv
            return
        case --org
            set words $globals org show
        case --as --enterprise --admin --email --actor --since --until --grep --lock-timeout
            return
        case '*'
            switch "$cur"
                case '--output=*'
                    printf '%s\n' --output=table --output=json --output=csv
                    return
                case '--org=*'
                    for o in (command $cmd __complete $globals org show (string replace -- '--org=' '' $cur) 2>/dev/null)
                        printf '%s\n' --org=$o
                    end
                    return
                case '-*'
                case '*'
                    if test "$command" = init
                        __fish_complete_directories $cur
                        return
                    end
            end
    end
    set -l cands (command $cmd __complete $words $cur 2>/dev/null)
    # A tab and "files" alone: the word is a file name (campaign stats RESULTS, --html).
    if test (count $cands) -eq 1; and test "$cands[1]" = (printf '\tfiles')
        __fish_complete_path $cur
        return
    end
    string join \n -- $cands
end

complete -c orgctl -f -a '(__orgctl_complete)'
