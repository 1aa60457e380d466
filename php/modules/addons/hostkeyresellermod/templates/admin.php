<?php

/**
 * The addon admin page. Every value is printed through $e (htmlspecialchars).
 *
 * @var array<string, mixed> $view prepared by AdminPageView::render()
 * @var callable(mixed): string $e
 */

declare(strict_types=1);

?>
<div class="hostkeyresellermod-admin">
    <h2><?= $e($view['title']) ?></h2>
<?php foreach ($view['notices'] as $notice) : ?>
    <div class="alert alert-<?= $e($notice['class']) ?>" role="alert"><?= $e($notice['text']) ?></div>
<?php endforeach; ?>
<?php if ($view['fields'] !== []) : ?>
    <table class="table table-condensed hostkeyresellermod-fields">
    <?php foreach ($view['fields'] as $field) : ?>
        <tr><th><?= $e($field['label']) ?></th><td><?= $e($field['value']) ?></td></tr>
    <?php endforeach; ?>
    </table>
<?php endif; ?>
<?php foreach ($view['forms'] as $form) : ?>
    <form method="post" action="<?= $e($view['moduleLink']) ?>" class="hostkeyresellermod-form">
        <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
        <input type="hidden" name="action" value="<?= $e($form['action']) ?>">
        <table class="table table-condensed">
        <?php foreach ($form['rows'] as $row) : ?>
            <tr>
                <th><label for="hk-<?= $e($row[0] ?? '') ?>"><?= $e($row[1] ?? $row[0] ?? '') ?></label></th>
                <td><input type="text" class="form-control" id="hk-<?= $e($row[0] ?? '') ?>"
                    name="<?= $e($row[0] ?? '') ?>" value="<?= $e($row[2] ?? '') ?>"></td>
            </tr>
        <?php endforeach; ?>
        </table>
        <button type="submit" class="btn btn-primary">Save</button>
    </form>
<?php endforeach; ?>
<?php foreach ($view['tables'] as $table) : ?>
    <h3><?= $e($table['name']) ?></h3>
    <table class="table table-striped hostkeyresellermod-table">
    <?php foreach ($table['rows'] as $index => $row) : ?>
        <tr>
        <?php foreach ($row as $cell) : ?>
            <?php if ($index === 0) : ?>
            <th><?= $e($cell) ?></th>
            <?php else : ?>
            <td><?= $e($cell) ?></td>
            <?php endif; ?>
        <?php endforeach; ?>
        </tr>
    <?php endforeach; ?>
    </table>
<?php endforeach; ?>
    <form method="post" action="<?= $e($view['moduleLink']) ?>" class="hostkeyresellermod-actions">
        <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
<?php foreach ($view['actions'] as [$action, $label, $confirm]) : ?>
        <button type="submit" name="action" value="<?= $e($action) ?>" class="btn btn-default"
            <?php if ($confirm !== '') :
                ?>data-confirm="<?= $e($confirm) ?>" onclick="return confirm(this.dataset.confirm);"<?php
            endif; ?>><?= $e($label) ?></button>
<?php endforeach; ?>
    </form>
</div>
