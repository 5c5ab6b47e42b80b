package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sobang/sobang/themes"
)

func newThemesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "themes",
		Short: "List the colour themes with a preview line",
		Long: `themes lists the built-in themes and the user's own, read from
` + "`" + `<config dir>/sobang/themes/*.toml` + "`" + ` (on Linux ~/.config/sobang/themes). A user theme
with a built-in's name replaces it. Select one with --theme NAME; NO_COLOR
turns colour off whatever the theme.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := themes.List(themes.UserDir())
			if err != nil {
				return &exitError{exitUsage, err}
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for _, info := range list {
				t, err := themes.Load(info.Name, themes.UserDir())
				if err != nil {
					fmt.Fprintf(w, "%s\t%s\terror: %v\n", info.Name, info.Source, err)
					continue
				}
				if themes.NoColorRequested() {
					t = themes.Plain()
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", info.Name, info.Source, themes.Preview(t))
			}
			return w.Flush()
		},
	}
}
