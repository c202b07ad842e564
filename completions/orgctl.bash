# bash completion for orgctl(1).
#
# Holds no list of commands, verbs or options: it asks the binary, with
# `orgctl __complete WORD... CURRENT`, which prints the candidates for CURRENT given the
# words before it. Global options among those words (-C DIR, --org ORG) reach the
# binary too, so object names come from the repository and org the command line names.

# Removes the shell quoting of one word as typed ('a b', "a b", a\ b, ~/x).
_orgctl_dequote()
{
	local s=$1 out= c q=
	[[ $s == '~' || $s == '~/'* ]] && s=$HOME${s:1}
	while [[ -n $s ]]; do
		c=${s:0:1}
		s=${s:1}
		if [[ $q == "'" ]]; then
			[[ $c == "'" ]] && q= || out+=$c
		elif [[ $c == '\' ]]; then
			out+=${s:0:1}
			s=${s:1}
		elif [[ $c == "'" && -z $q ]]; then
			q="'"
		elif [[ $c == '"' ]]; then
			[[ $q == '"' ]] && q= || q='"'
		else
			out+=$c
		fi
	done
	printf '%s' "$out"
}

# Splits the line up to the cursor into words as the user typed them: bash splits
# COMP_WORDS at ':' and '=' (COMP_WORDBREAKS), which breaks "domain:entity:action" and
# "--org=ORG"; words with no space between them are joined back.
_orgctl_words()
{
	local line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}} pos=0 i w rest gap
	_orgctl_w=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		rest=${line:pos}
		gap=${rest%%[![:space:]]*}
		pos=$((pos + ${#gap}))
		if ((i > 0 && ${#gap} == 0 && ${#COMP_LINE} > 0)); then
			_orgctl_w[${#_orgctl_w[@]} - 1]+=$w
		else
			_orgctl_w+=("$w")
		fi
		pos=$((pos + ${#w}))
	done
}

_orgctl()
{
	local _orgctl_w cur raw prev cmd command= i prefix IFS=$'\n'
	local -a args globals cands
	COMPREPLY=()
	_orgctl_words
	raw=${_orgctl_w[${#_orgctl_w[@]} - 1]}
	cur=$(_orgctl_dequote "$raw")
	cmd=$(_orgctl_dequote "${_orgctl_w[0]}")
	for ((i = 1; i < ${#_orgctl_w[@]} - 1; i++)); do
		args+=("$(_orgctl_dequote "${_orgctl_w[i]}")")
	done
	prev=
	((${#args[@]})) && prev=${args[${#args[@]} - 1]}
	# The repository the command line names, for completing org names; and the command.
	for ((i = 0; i < ${#args[@]}; i++)); do
		case ${args[i]} in
		-C) globals+=(-C "${args[i + 1]}") && ((i++)) ;;
		--org | --as | -o | --output | --lock-timeout) ((i++)) ;;
		-*) ;;
		*) [[ -z $command ]] && command=${args[i]} ;;
		esac
	done

	case $prev in
	-C)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	-o | --output)
		COMPREPLY=($(compgen -W $'table\njson\ncsv' -- "$cur"))
		return
		;;
	--org)
		args=("${globals[@]}" org show)
		;;
	--as | --enterprise | --admin | --email | --actor | --since | --until | --grep | --lock-timeout)
		return
		;;
	*)
		case $cur in
		--output=*)
			COMPREPLY=($(compgen -W $'table\njson\ncsv' -- "${cur#*=}"))
			return
			;;
		--org=*)
			args=("${globals[@]}" org show)
			cur=${cur#*=}
			;;
		-*) ;;
		*)
			if [[ $command == init ]]; then
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -d -- "$cur"))
				return
			fi
			;;
		esac
		;;
	esac

	cands=($(command "$cmd" __complete "${args[@]}" "$cur" 2>/dev/null))
	# A tab and "files" alone: the word is a file name (campaign stats RESULTS, --html).
	if [[ ${cands[0]} == $'\tfiles' ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	# Bash replaces only the part of the word after its last ':' (or '=').
	prefix=
	if [[ $COMP_WORDBREAKS == *:* && $cur == *:* ]]; then
		prefix=${cur%"${cur##*:}"}
	fi
	for i in "${cands[@]}"; do
		[[ -z $i || $i != "$prefix"* ]] && continue
		i=${i#"$prefix"}
		# Quote what the shell would split, unless the user opened a quote.
		if [[ $raw == [\'\"]* ]]; then
			COMPREPLY+=("$i")
		else
			COMPREPLY+=("$(printf '%q' "$i")")
		fi
	done
}

complete -F _orgctl orgctl
