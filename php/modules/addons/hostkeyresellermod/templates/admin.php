<?php

/**
 * The addon admin page (WHMCS admin area, Bootstrap 3). Every value is
 * printed through $e (htmlspecialchars); nothing else reaches the page.
 *
 * @var array<string, mixed> $view prepared by AdminPageView::render()
 * @var callable(mixed): string $e
 */

declare(strict_types=1);

defined('WHMCS') || exit;

?>
<div class="hostkeyresellermod-admin">
    <h2><?= $e($view['title']) ?></h2>
<?php foreach ($view['notices'] as $notice) : ?>
    <div class="alert alert-<?= $e($notice['class']) ?>" role="alert"><?= $e($notice['text']) ?></div>
<?php endforeach; ?>
<?php if ($view['fields'] !== []) : ?>
    <table class="table table-condensed hostkeyresellermod-fields">
    <?php foreach ($view['fields'] as $field) : ?>
        <tr><th class="col-sm-3"><?= $e($field['label']) ?></th><td><?= $e($field['value']) ?></td></tr>
    <?php endforeach; ?>
    </table>
<?php endif; ?>
    <div class="panel panel-default hostkeyresellermod-catalogue">
        <div class="panel-heading"><h3 class="panel-title"><?= $e($view['lang']['catalogue_heading']) ?></h3></div>
        <div class="panel-body">
            <p class="help-block"><?= $e($view['lang']['preview_help']) ?></p>
            <form method="post" action="<?= $e($view['moduleLink']) ?>" class="form-inline hostkeyresellermod-actions">
                <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
<?php foreach ($view['actions'] as [$action, $label, $confirm]) : ?>
                <button type="submit" name="action" value="<?= $e($action) ?>"
                    class="btn <?= $confirm === '' ? 'btn-default' : 'btn-primary' ?>"<?php
                    if ($confirm !== '') :
                        ?> data-confirm="<?= $e($confirm) ?>" onclick="return confirm(this.dataset.confirm);"<?php
                    endif; ?>><?= $e($label) ?></button>
<?php endforeach; ?>
            </form>
        </div>
    </div>
<?php if ($view['margins'] !== null) :
    require __DIR__ . '/margins.php';
endif; ?>
<?php foreach ($view['tables'] as $table) : ?>
    <div class="panel panel-default hostkeyresellermod-report">
        <div class="panel-heading"><h3 class="panel-title"><?= $e($table['name']) ?></h3></div>
        <table class="table table-striped table-condensed hostkeyresellermod-table">
    <?php if ($table['header'] !== []) : ?>
            <thead><tr>
        <?php foreach ($table['header'] as $cell) : ?>
                <th><?= $e($cell) ?></th>
        <?php endforeach; ?>
            </tr></thead>
    <?php endif; ?>
            <tbody>
    <?php foreach ($table['rows'] as $row) : ?>
                <tr>
        <?php foreach ($row as $cell) : ?>
                    <td><?= $e($cell) ?></td>
        <?php endforeach; ?>
                </tr>
    <?php endforeach; ?>
            </tbody>
        </table>
    </div>
<?php endforeach; ?>
<?php foreach ($view['forms'] as $form) : ?>
    <div class="panel <?= $e($form['panel']) ?> hostkeyresellermod-form-<?= $e($form['action']) ?>">
        <div class="panel-heading"><h3 class="panel-title"><?= $e($form['heading']) ?></h3></div>
        <div class="panel-body">
            <form method="post" action="<?= $e($view['moduleLink']) ?>" class="form-horizontal hostkeyresellermod-form">
                <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
                <input type="hidden" name="action" value="<?= $e($form['action']) ?>">
    <?php foreach ($form['fields'] as $field) : ?>
        <?php if ($field['kind'] === 'yesno') : ?>
                <div class="form-group">
                    <div class="col-sm-offset-4 col-sm-8">
                        <div class="checkbox">
                            <label for="<?= $e($field['id']) ?>">
                                <input type="checkbox" id="<?= $e($field['id']) ?>" name="<?= $e($field['name']) ?>"
                                    value="<?= $e($view['checkedValue']) ?>"<?= $field['checked'] ? ' checked' : '' ?>>
                                <?= $e($field['label']) ?>
                            </label>
                        </div>
                    </div>
                </div>
        <?php else : ?>
                <div class="form-group">
                    <label class="col-sm-4 control-label" for="<?= $e($field['id']) ?>"><?=
                        $e($field['label']) ?></label>
                    <div class="col-sm-8">
            <?php if ($field['kind'] === 'select') : ?>
                        <select class="form-control" id="<?= $e($field['id']) ?>" name="<?= $e($field['name']) ?>">
                <?php foreach ($field['choices'] as $choice) : ?>
                            <option value="<?= $e($choice['value']) ?>"<?= $choice['selected'] ? ' selected' : '' ?>><?=
                                $e($choice['label']) ?></option>
                <?php endforeach; ?>
                        </select>
            <?php else : ?>
                        <input type="text" class="form-control" id="<?= $e($field['id']) ?>"
                            name="<?= $e($field['name']) ?>" value="<?= $e($field['value']) ?>">
            <?php endif; ?>
                    </div>
                </div>
        <?php endif; ?>
    <?php endforeach; ?>
                <div class="form-group">
                    <div class="col-sm-offset-4 col-sm-8">
                        <button type="submit" class="btn <?= $e($form['button']) ?>"><?= $e($form['submit']) ?></button>
                    </div>
                </div>
            </form>
        </div>
    </div>
<?php endforeach; ?>
</div>
