package cli

import (
	"context"

	"github.com/jixiao/jixiao/internal/report"
)

const reviewLetterUsage = "用法：jixiao review-letter CODE YEAR [--db DB] [--issuer 财政部门名称] [--format docx|md|html|pdf] -o OUT.docx（复核意见书）"

// cmdReviewLetter writes the review opinion letter (复核意见书) of a
// stored department-year in the evaluation stage: results before and
// after review, each changed item with its reason, the reviewers'
// comments and the deadline for the rectification measures.
func cmdReviewLetter(e *env, args []string) error {
	fs := newFlags("review-letter", e)
	db := dbFlag(fs)
	issuer := fs.String("issuer", "", "落款的财政部门名称（默认“财政部门”）")
	format := fs.String("format", "", "输出格式：docx、md、html 或 pdf（默认按输出文件扩展名）")
	out := fs.String("o", "", "输出文件（- 为标准输出）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	code, year, ok := codeYear(pos)
	if !ok || *out == "" {
		return usageErr(reviewLetterUsage)
	}
	rf, err := reportFormat(*format, *out)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := st.ReviewLetter(ctx, code, year, *issuer)
	if err != nil {
		return err
	}
	return writeReport(e, rf, *out, report.BuildReviewLetter(in))
}
